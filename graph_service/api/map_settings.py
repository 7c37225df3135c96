"""GET /map/settings: what the console's map draws on / 地图底图设置."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from graph_service.deps import SettingsDep

router = APIRouter(tags=["places · 地图"])


class MapSettings(BaseModel):
    tile_url: str | None = Field(description="Basemap tile URL template; null: none / 底图地址")
    tile_crs: Literal["wgs84", "gcj02", "bd09"] = Field(description="The tiles' system / 坐标系")
    attribution: str = Field(description="The basemap's attribution / 底图版权")
    station_radius_m: float = Field(description="A station's radius when it has none / 服务半径")


@router.get("/map/settings", summary="The map's basemap and circles / 地图设置")
async def get_map_settings(settings: SettingsDep) -> MapSettings:
    """The basemap the deployment configured (``MAP_TILE_URL``, ``MAP_TILE_CRS``,
    ``MAP_TILE_ATTRIBUTION``; none by default: a plain background) and the radius of a
    station's circle when it has none of its own (``STATION_RADIUS_M``). The console asks
    for its points in ``tile_crs`` (``GET /exports?format=geojson&crs=…``).

    部署配置的地图底图（默认无底图，不访问外部地址）及党群服务阵地默认服务半径。"""
    return MapSettings(tile_url=settings.map_tile_url, tile_crs=settings.map_tile_crs,
                       attribution=settings.map_tile_attribution,
                       station_radius_m=settings.station_radius_m)  # fmt: skip

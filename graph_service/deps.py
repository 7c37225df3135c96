"""Dependencies as ``Annotated`` aliases for the routers.

They are ``async`` because they only read app state: a sync dependency costs every request
a trip to a worker thread."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from graph_service.config import Settings
from graph_service.db.async_reads import AsyncReads
from graph_service.db.database import Database


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_reads(request: Request) -> AsyncReads:
    reads: AsyncReads = request.app.state.reads
    return reads


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


DatabaseDep = Annotated[Database, Depends(get_database)]
ReadsDep = Annotated[AsyncReads, Depends(get_reads)]
SettingsDep = Annotated[Settings, Depends(get_settings)]

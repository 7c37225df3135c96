// A place on the map (a point of GET /map/places, what the GeoJSON export says of it) and the colours of
// its coverage status (docs/places.md), shared by the map and its legend.
export type Coverage = 'uncovered' | 'no_officer' | 'covered'

export interface Place {
  id: string
  name: string
  label: string
  coverage?: Coverage | null
  gaps: string[]
  radius_m?: number | null
  lon: number
  lat: number
}

export const COLORS: Record<Coverage | 'station', string> = {
  uncovered: '#b4161b', no_officer: '#c77700', covered: '#2e7d32', station: '#0b57a4',
}

// Many points on a Leaflet map as one canvas: a district's ~20,000 places drawn in one pass
// a colour (a few milliseconds), where one Leaflet circleMarker a place costs a layer object,
// an event target and a path each, and a pan or zoom redraws them one by one. WebGL layers
// (leaflet.glify) are not used: intranet desktops and VMs often run without a GPU.
//
// The canvas lies in the overlay pane, so a drag moves it with the map; it is drawn again,
// with half a screen of margin around the view, when a move ends (a zoom ends with one too).
// Each place is projected once, at zoom 0: at any zoom its pixel is that point scaled by the
// CRS's scale ratio (the projection's transformation is linear in the scale), so a redraw
// is arithmetic, not ~20,000 projections. A click finds the nearest point within a few
// pixels.
import L from 'leaflet'

export interface Dot {
  lat: number
  lon: number
  color: string
  radius: number
}

const MARGIN = 0.5 // of the view's size, on each side
const HIT_PX = 4 // how far outside a dot a click still takes it

export class PointLayer extends L.Layer {
  private canvas: HTMLCanvasElement | null = null
  private xs = new Float64Array(0) // layer pixels of the last draw (for clicks)
  private ys = new Float64Array(0)
  private x0 = new Float64Array(0) // pixels at zoom 0
  private y0 = new Float64Array(0)

  constructor(private readonly dots: Dot[], private readonly clicked: (index: number) => void) {
    super()
  }

  override onAdd(map: L.Map): this {
    this.canvas = L.DomUtil.create('canvas', 'point-layer leaflet-zoom-hide') as HTMLCanvasElement
    this.canvas.setAttribute('aria-hidden', 'true')
    map.getPanes().overlayPane.appendChild(this.canvas)
    const n = this.dots.length
    this.x0 = new Float64Array(n)
    this.y0 = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      const dot = this.dots[i]!
      const at = map.project([dot.lat, dot.lon], 0)
      this.x0[i] = at.x
      this.y0[i] = at.y
    }
    map.on('moveend viewreset resize', this.draw, this)
    map.on('click', this.hit, this)
    this.draw()
    return this
  }

  override onRemove(map: L.Map): this {
    map.off('moveend viewreset resize', this.draw, this)
    map.off('click', this.hit, this)
    this.canvas?.remove()
    this.canvas = null
    return this
  }

  private draw(): void {
    const map = this._map
    const canvas = this.canvas
    if (!map || !canvas) return
    const size = map.getSize()
    const margin = size.multiplyBy(MARGIN).round()
    const origin = map.containerPointToLayerPoint(margin.multiplyBy(-1))
    const width = size.x + 2 * margin.x
    const height = size.y + 2 * margin.y
    const ratio = window.devicePixelRatio || 1
    canvas.width = width * ratio
    canvas.height = height * ratio
    canvas.style.width = `${width}px`
    canvas.style.height = `${height}px`
    L.DomUtil.setPosition(canvas, origin)
    const context = canvas.getContext('2d')!
    context.setTransform(ratio, 0, 0, ratio, 0, 0)
    const n = this.dots.length
    if (this.xs.length !== n) {
      this.xs = new Float64Array(n)
      this.ys = new Float64Array(n)
    }
    // layer points of every dot (kept for clicks), then one path per colour and size
    const groups = new Map<string, number[]>()
    const crs = map.options.crs ?? L.CRS.EPSG3857
    const scale = crs.scale(map.getZoom()) / crs.scale(0)
    const pixelOrigin = map.getPixelOrigin()
    for (let i = 0; i < n; i++) {
      const dot = this.dots[i]!
      const ax = this.x0[i]! * scale - pixelOrigin.x
      const ay = this.y0[i]! * scale - pixelOrigin.y
      this.xs[i] = ax
      this.ys[i] = ay
      const x = ax - origin.x
      const y = ay - origin.y
      if (x < -dot.radius || y < -dot.radius || x > width + dot.radius || y > height + dot.radius) continue
      const key = `${dot.color}|${dot.radius}`
      let group = groups.get(key)
      if (!group) groups.set(key, (group = []))
      group.push(i)
    }
    context.lineWidth = 1
    context.strokeStyle = '#fff'
    for (const [key, members] of groups) {
      const [color, radius] = key.split('|') as [string, string]
      const r = Number(radius)
      context.beginPath()
      for (const i of members) {
        const x = this.xs[i]! - origin.x
        const y = this.ys[i]! - origin.y
        context.moveTo(x + r, y)
        context.arc(x, y, r, 0, 2 * Math.PI)
      }
      context.fillStyle = color
      context.fill()
      context.stroke()
    }
  }

  private hit(event: L.LeafletMouseEvent): void {
    let best = -1
    let bestDistance = Infinity
    const { x, y } = event.layerPoint
    for (let i = 0; i < this.dots.length; i++) {
      const dx = this.xs[i]! - x
      const dy = this.ys[i]! - y
      const distance = dx * dx + dy * dy
      const reach = this.dots[i]!.radius + HIT_PX
      if (distance <= reach * reach && distance < bestDistance) {
        best = i
        bestDistance = distance
      }
    }
    if (best >= 0) this.clicked(best)
  }

  /** The point a dot is drawn at, in the map container's pixels (for tests and the bench). */
  containerPoint(index: number): L.Point | null {
    const map = this._map
    const dot = this.dots[index]
    return map && dot ? map.latLngToContainerPoint([dot.lat, dot.lon]) : null
  }
}

// Where each node of a network is drawn, worked out once before drawing: a force-directed
// layout (d3-force: springs along the edges, Barnes–Hut repulsion between nodes, a pull to
// the middle), run for a fixed number of steps. ECharts' own force layout repels every pair
// of nodes at every step and redraws the chart after each: a community of ~1,200 nodes
// held the page for 18 s. This takes a few hundred milliseconds for 2,000 nodes, places
// nodes the same way on every visit (d3 starts from a fixed spiral and a seeded jiggle),
// and is not run again when the page hides a kind, so what stays keeps its place.
import { forceCollide, forceLink, forceManyBody, forceSimulation, forceX, forceY, type SimulationNodeDatum } from 'd3-force'

export interface Placeable { id: string }
export interface Tie { source: string; target: string }

interface Body extends SimulationNodeDatum { id: string }

/** Steps of the simulation, cooling from alpha 1 to 0.001: half of d3's default 300, which
 * cost twice the time for a picture hardly different. */
export const STEPS = 150

/** Up to this many nodes a network is laid out roomier (the chart names every node). */
export const SMALL = 120

/** Each node's [x, y], in the layout's own units (the chart fits them to its box). */
export function layoutNetwork(nodes: Placeable[], ties: Tie[], steps = STEPS): Map<string, [number, number]> {
  const bodies: Body[] = nodes.map((n) => ({ id: n.id }))
  const known = new Set(bodies.map((b) => b.id))
  // one spring per pair of nodes, whatever the number of relationship types between them
  const pairs = new Map<string, { source: string; target: string }>()
  for (const t of ties) {
    if (t.source === t.target || !known.has(t.source) || !known.has(t.target)) continue
    const key = t.source < t.target ? `${t.source}\u0000${t.target}` : `${t.target}\u0000${t.source}`
    if (!pairs.has(key)) pairs.set(key, { source: t.source, target: t.target })
  }
  // a small network is drawn with its names: spread wider, no two nodes on top of each other
  const small = bodies.length <= SMALL
  const simulation = forceSimulation(bodies)
    .force('link', forceLink<Body, { source: string; target: string }>([...pairs.values()]).id((b) => b.id).distance(small ? 60 : 30))
    .force('charge', forceManyBody<Body>().strength(small ? -300 : -70))
    // loose pieces (a person tied to nothing else drawn) stay near the rest
    .force('x', forceX<Body>(0).strength(0.04))
    .force('y', forceY<Body>(0).strength(0.04))
    .alphaDecay(1 - Math.pow(0.001, 1 / steps))
    .stop()
  if (small) simulation.force('collide', forceCollide<Body>(18))
  simulation.tick(steps)
  return new Map(bodies.map((b) => [b.id, [b.x ?? 0, b.y ?? 0]]))
}

/**
 * A flame graph as a standalone SVG from folded stacks (`a;b;c` → time): the root at the
 * bottom, each frame as wide as the time spent in it and below it, names in the boxes that fit
 * them and in a hover title everywhere. Pure: stacks in, SVG text out.
 */

interface Frame {
  name: string;
  total: number;
  children: Map<string, Frame>;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A frame's colour: warm hues, fixed per name so the same function looks alike everywhere. */
function colour(name: string): string {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
  const own = /\/(src|dist)\//.test(name) && !name.includes('node_modules');
  return own ? `hsl(${200 + (h % 40)},70%,${60 + (h % 15)}%)` : `hsl(${10 + (h % 45)},85%,${55 + (h % 20)}%)`;
}

/** The SVG of `stacks` (folded stack → weight); our own code (src/, dist/) in blue, the rest warm. */
export function flameGraphSvg(stacks: ReadonlyMap<string, number>, title: string, width = 1600, rowHeight = 16): string {
  const root: Frame = { name: 'all', total: 0, children: new Map() };
  for (const [stack, weight] of stacks) {
    root.total += weight;
    let node = root;
    for (const name of stack.split(';')) {
      let next = node.children.get(name);
      if (!next) node.children.set(name, (next = { name, total: 0, children: new Map() }));
      next.total += weight;
      node = next;
    }
  }
  const depth = (f: Frame): number => 1 + Math.max(0, ...[...f.children.values()].map(depth));
  const rows = depth(root);
  const height = rows * rowHeight + 40;
  const scale = width / Math.max(1, root.total);
  const out: string[] = [];
  const draw = (f: Frame, x: number, level: number): void => {
    const w = f.total * scale;
    if (w < 0.3) return;
    const y = height - (level + 1) * rowHeight - 10;
    const pct = ((100 * f.total) / root.total).toFixed(2);
    out.push(`<g><title>${escape(f.name)} (${pct} %)</title><rect x="${x.toFixed(2)}" y="${y}" width="${w.toFixed(2)}" height="${rowHeight - 1}" fill="${colour(f.name)}"/>`);
    const chars = Math.floor((w - 4) / 6.5);
    if (chars >= 3) out.push(`<text x="${(x + 2).toFixed(2)}" y="${y + rowHeight - 4}">${escape(f.name.length > chars ? `${f.name.slice(0, chars - 1)}…` : f.name)}</text>`);
    out.push('</g>');
    let cx = x;
    for (const c of [...f.children.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      draw(c, cx, level + 1);
      cx += c.total * scale;
    }
  };
  draw(root, 0, 0);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="monospace" font-size="11">`,
    `<rect width="100%" height="100%" fill="#fff"/><text x="4" y="16" font-size="13">${escape(title)}</text>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

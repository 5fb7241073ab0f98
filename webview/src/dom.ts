// Builds DOM nodes. Strings always become text nodes, never HTML: trace and
// file contents reach this view and must not be able to inject markup, and
// their control characters show escaped (\x1b), as everywhere else.
import { printable } from '../../extension/trace/printable';

type Child = Node | string | number | null | undefined | false;

export function h(tag: string, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, printable(value));
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    element.append(typeof child === 'object' ? child : document.createTextNode(printable(String(child))));
  }
  return element;
}

/** A byte count as kernel people read it: hex, with decimal beside when it helps. */
export function bytes(n: number): string {
  return n < 10 ? String(n) : `0x${n.toString(16)} (${n})`;
}

export function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

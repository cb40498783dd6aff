// DOM helpers: every node is built with createElement/textContent (never innerHTML), because
// every name on the page comes from the chain.

/**
 * el("a", { class: "x", href: "#/", "on:click": fn }, "text", node, [more], null)
 * Attributes with null/undefined/false are skipped; `true` sets an empty attribute.
 */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on:")) node.addEventListener(k.slice(3), v);
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Removes every child of `node`. */
export function clear(node) {
  while (node.firstChild) node.firstChild.remove();
  return node;
}

/** Replaces the children of `node` (children as for el: nodes, strings, arrays; null skipped). */
export function replace(node, ...children) {
  clear(node);
  append(node, children);
  return node;
}

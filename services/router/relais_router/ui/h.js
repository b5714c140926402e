// The one way the inbox builds DOM: elements from a tag, attributes and children, where a
// string child always becomes a text node. Patient text therefore never becomes markup.

const BOOLEAN_PROPS = new Set(["hidden", "disabled", "checked", "selected", "required", "open"]);
const VALUE_PROPS = new Set(["value", "textContent"]);

/**
 * h("button", {class: "x", onclick: fn, "aria-pressed": "true"}, "Text", otherNode)
 * - on* attributes with a function add an event listener;
 * - hidden/disabled/checked/… are set as properties (false removes them);
 * - null, undefined and false attributes or children are skipped; arrays are flattened.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      el.addEventListener(name.slice(2), value);
    } else if (BOOLEAN_PROPS.has(name)) {
      el[name] = Boolean(value);
    } else if (VALUE_PROPS.has(name)) {
      el[name] = value;
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else {
      el.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.append(child);
    else el.append(document.createTextNode(String(child)));
  }
}

/** Replace an element's children (same rules as h's children). */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

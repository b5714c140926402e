// A page-wide event bus: modules announce what happened without importing each other.
const target = new EventTarget();

export function on(name, handler) {
  const listener = (event) => handler(event.detail);
  target.addEventListener(name, listener);
  return () => target.removeEventListener(name, listener);
}

export function emit(name, detail) {
  target.dispatchEvent(new CustomEvent(name, { detail }));
}

// Small helpers of the scanner page's modules: building elements, and saying things in
// the page's language from its message table (views.scanner_messages, in #door-messages).

/** An element with attributes (false, null and undefined left out) and children. */
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "className") node.className = value;
    else if (value !== false && value !== null && value !== undefined) node.setAttribute(name, value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

/** say(key, values) for a message table: its text with %(name)s filled in, else the key. */
export function sayer(messages) {
  return (key, values = {}) =>
    (messages[key] || key).replace(/%\((\w+)\)[sd]/g, (_, name) => values[name] ?? "");
}

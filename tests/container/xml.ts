/**
 * A small strict XML reader for our own templates: enough to prove well-formedness (one root,
 * balanced and correctly nested tags, quoted attributes, known entities) and read elements.
 * Not a general parser: no DTDs, no namespaces.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_][A-Za-z0-9._:-]*';
const ENTITY = /&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g;

export function parseXml(source: string): XmlElement {
  let rest = source.replace(/^\uFEFF/, '');
  rest = rest.replace(/^\s*<\?xml[^?]*\?>/, '');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let position = source.length - rest.length;
  const fail = (message: string): never => {
    throw new Error(`XML error at offset ${position}: ${message}`);
  };

  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt === -1 ? rest : rest.slice(0, lt);
    if (text.length > 0) {
      if (stack.length === 0 && text.trim() !== '') fail('text outside the root element');
      if (text.replace(ENTITY, '').includes('&')) fail('bare "&" or unknown entity');
      if (stack.length > 0) stack[stack.length - 1].text += decode(text);
    }
    if (lt === -1) break;
    advance(lt);
    if (rest.startsWith('<!--')) {
      const end = rest.indexOf('-->');
      if (end === -1) fail('unterminated comment');
      advance(end + 3);
      continue;
    }
    if (rest.startsWith('<![CDATA[')) {
      const end = rest.indexOf(']]>');
      if (end === -1 || stack.length === 0) fail('bad CDATA section');
      stack[stack.length - 1].text += rest.slice(9, end);
      advance(end + 3);
      continue;
    }
    const closing = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== closing[1]) fail(`</${closing[1]}> does not close <${open?.name ?? '(nothing)'}>`);
      advance(closing[0].length);
      continue;
    }
    const opening = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`).exec(rest);
    if (!opening) fail(`malformed tag near ${JSON.stringify(rest.slice(0, 40))}`);
    const element: XmlElement = { name: opening![1], attributes: readAttributes(opening![2], fail), children: [], text: '' };
    if (stack.length > 0) stack[stack.length - 1].children.push(element);
    else if (root) fail('more than one root element');
    else root = element;
    if (opening![3] !== '/') stack.push(element);
    advance(opening![0].length);
  }
  if (stack.length > 0) fail(`<${stack[stack.length - 1].name}> is never closed`);
  if (!root) fail('no root element');
  return root!;

  function advance(count: number) {
    rest = rest.slice(count);
    position += count;
  }
}

function readAttributes(source: string, fail: (message: string) => never): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const match of source.matchAll(new RegExp(`(${NAME})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'))) {
    if (match[1] in attributes) fail(`attribute ${match[1]} given twice`);
    const value = match[2] ?? match[3];
    if (value.replace(ENTITY, '').includes('&')) fail(`bare "&" in attribute ${match[1]}`);
    attributes[match[1]] = decode(value);
  }
  return attributes;
}

function decode(text: string): string {
  return text.replace(ENTITY, (entity) => {
    switch (entity) {
      case '&amp;':
        return '&';
      case '&lt;':
        return '<';
      case '&gt;':
        return '>';
      case '&quot;':
        return '"';
      case '&apos;':
        return "'";
      default:
        return String.fromCodePoint(entity[2] === 'x' ? Number.parseInt(entity.slice(3, -1), 16) : Number(entity.slice(2, -1)));
    }
  });
}

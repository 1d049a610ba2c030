// A checker of Slack Block Kit message shape (the parts Cutover sends), after Slack's reference for blocks and
// composition objects: https://api.slack.com/reference/block-kit — types, required fields and Slack's length limits.
// It returns every problem found; an empty list means Slack's API would accept the message's structure.

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function text(where: string, v: unknown, max: number, kinds: Array<'plain_text' | 'mrkdwn'>, problems: string[]): void {
  if (!isObj(v)) return void problems.push(`${where}: must be a text object`);
  if (!kinds.includes(v.type as 'plain_text')) problems.push(`${where}.type: must be ${kinds.join(' or ')}`);
  if (typeof v.text !== 'string' || v.text.length === 0) problems.push(`${where}.text: must be a non-empty string`);
  else if (v.text.length > max) problems.push(`${where}.text: longer than ${max}`);
  const allowed = new Set(['type', 'text', 'emoji', 'verbatim']);
  for (const k of Object.keys(v)) if (!allowed.has(k)) problems.push(`${where}.${k}: not a text object field`);
}

function button(where: string, v: unknown, problems: string[]): void {
  if (!isObj(v) || v.type !== 'button') return void problems.push(`${where}: only buttons are used here`);
  text(`${where}.text`, v.text, 75, ['plain_text'], problems);
  if (typeof v.action_id !== 'string' || v.action_id.length > 255) problems.push(`${where}.action_id: a string of at most 255`);
  if (v.url !== undefined && (typeof v.url !== 'string' || v.url.length > 3000)) problems.push(`${where}.url: a string of at most 3000`);
  if (v.value !== undefined && (typeof v.value !== 'string' || v.value.length > 2000)) problems.push(`${where}.value: a string of at most 2000`);
  if (v.style !== undefined && v.style !== 'primary' && v.style !== 'danger') problems.push(`${where}.style: primary or danger`);
}

export function blockKitProblems(message: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(message)) return ['message: must be an object'];
  if (typeof message.text !== 'string' || message.text.length === 0) problems.push('text: the fallback text is required');
  if (!Array.isArray(message.blocks)) return [...problems, 'blocks: must be an array'];
  if (message.blocks.length === 0 || message.blocks.length > 50) problems.push('blocks: 1 to 50 blocks');
  message.blocks.forEach((b: unknown, i: number) => {
    const at = `blocks[${i}]`;
    if (!isObj(b)) return void problems.push(`${at}: must be an object`);
    if (b.block_id !== undefined && (typeof b.block_id !== 'string' || b.block_id.length > 255)) problems.push(`${at}.block_id: at most 255`);
    switch (b.type) {
      case 'header':
        text(`${at}.text`, b.text, 150, ['plain_text'], problems);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) problems.push(`${at}: a section needs text or fields`);
        if (b.text !== undefined) text(`${at}.text`, b.text, 3000, ['plain_text', 'mrkdwn'], problems);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length === 0 || b.fields.length > 10) problems.push(`${at}.fields: 1 to 10 fields`);
          else b.fields.forEach((f: unknown, j: number) => text(`${at}.fields[${j}]`, f, 2000, ['plain_text', 'mrkdwn'], problems));
        }
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) problems.push(`${at}.elements: 1 to 10 elements`);
        else b.elements.forEach((e: unknown, j: number) => text(`${at}.elements[${j}]`, e, 3000, ['plain_text', 'mrkdwn'], problems));
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 25) problems.push(`${at}.elements: 1 to 25 elements`);
        else b.elements.forEach((e: unknown, j: number) => button(`${at}.elements[${j}]`, e, problems));
        break;
      case 'divider':
        break;
      default:
        problems.push(`${at}.type: ${String(b.type)} is not a block type used here`);
    }
  });
  return problems;
}

/**
 * Enough Markdown for the incident reports (report.md, GET /api/incidents/:id.md): headings, paragraphs,
 * bullet lists, tables, **bold**, *emphasis* and `code`. Builds DOM nodes (never innerHTML), so no text of a
 * report can inject markup.
 */

function inline(parent: HTMLElement, text: string): void {
  const re = /(\*\*[^*]+\*\*|`[^`]+`|\*[^*\s][^*]*\*)/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) parent.append(text.slice(last, m.index));
    const tok = m[0];
    let e: HTMLElement;
    if (tok.startsWith('**')) {
      e = document.createElement('strong');
      e.textContent = tok.slice(2, -2);
    } else if (tok.startsWith('`')) {
      e = document.createElement('code');
      e.textContent = tok.slice(1, -1);
    } else {
      e = document.createElement('em');
      e.textContent = tok.slice(1, -1);
    }
    parent.append(e);
    last = m.index + tok.length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

function cells(row: string): string[] {
  let s = row.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|')) s = s.slice(0, -1);
  return s.split('|').map((c) => c.trim());
}

export function renderMarkdown(md: string, into: HTMLElement): void {
  into.replaceChildren();
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const h = /^(#{1,6})\s+(.*)$/.exec(line);
    if (h) {
      const e = document.createElement(`h${Math.min(6, h[1]!.length + 1)}`);
      inline(e, h[2]!);
      into.append(e);
      i++;
      continue;
    }
    if (/^\s*[-*]\s+/.test(line)) {
      const ul = document.createElement('ul');
      while (i < lines.length && /^\s*[-*]\s+/.test(lines[i]!)) {
        const li = document.createElement('li');
        inline(li, lines[i]!.replace(/^\s*[-*]\s+/, ''));
        ul.append(li);
        i++;
      }
      into.append(ul);
      continue;
    }
    if (line.trim().startsWith('|')) {
      const rows: string[] = [];
      while (i < lines.length && lines[i]!.trim().startsWith('|')) rows.push(lines[i++]!);
      const table = document.createElement('table');
      const sep = rows.length > 1 && /^[\s|:-]+$/.test(rows[1]!);
      const head = sep ? rows[0]! : undefined;
      const body = sep ? rows.slice(2) : rows;
      if (head) {
        const thead = table.createTHead().insertRow();
        for (const c of cells(head)) {
          const th = document.createElement('th');
          th.scope = 'col';
          inline(th, c);
          thead.append(th);
        }
      }
      const tbody = table.createTBody();
      for (const r of body) {
        const tr = tbody.insertRow();
        for (const c of cells(r)) inline(tr.insertCell(), c);
      }
      const wrap = document.createElement('div');
      wrap.className = 'table-wrap';
      wrap.append(table);
      into.append(wrap);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && lines[i]!.trim() !== '' && !/^(#{1,6}\s|\s*[-*]\s|\s*\|)/.test(lines[i]!)) para.push(lines[i++]!.trim());
    const p = document.createElement('p');
    inline(p, para.join(' '));
    into.append(p);
  }
}

/**
 * The report of one incident out of a report.md that holds several (`# Incident <id>: …` sections, then the
 * run's summary): from its heading to the next top-level heading.
 */
export function incidentSection(md: string, incidentId: string): string | undefined {
  const lines = md.replace(/\r\n?/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.startsWith(`# Incident ${incidentId}:`) || l.trim() === `# Incident ${incidentId}`);
  if (start < 0) return undefined;
  let end = start + 1;
  while (end < lines.length && !/^#\s/.test(lines[end]!)) end++;
  return lines.slice(start, end).join('\n').trimEnd() + '\n';
}

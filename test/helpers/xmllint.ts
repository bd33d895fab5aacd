/**
 * xmllint (Debian's libxml2-utils), the independent judge of the XML we write: CAP 1.2 against the OASIS schema,
 * Cursor-on-Target against MITRE's base-event schema (../shared/schemas, see checks.md).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CAP_XSD = '/work/shared/schemas/CAP-v1.2.xsd';
export const COT_XSD = '/work/shared/schemas/CoT-Base-Event.xsd';

const HAVE_XMLLINT = spawnSync('xmllint', ['--version'], { stdio: 'ignore' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'tocsin-xml-'));
let nFile = 0;

/** Runs xmllint over the documents against a schema; returns its exit status and, per document, whether it "validates". */
export function xmllint(docs: readonly string[], xsd: string): { status: number | null; valid: boolean[]; stderr: string } {
  if (!HAVE_XMLLINT) throw new Error('xmllint is not installed: apt-get install -y libxml2-utils');
  const files = docs.map((d) => {
    const f = join(dir, `d${nFile++}.xml`);
    writeFileSync(f, d);
    return f;
  });
  const r = spawnSync('xmllint', ['--noout', '--schema', xsd, ...files], { encoding: 'utf8' });
  return { status: r.status, valid: files.map((f) => r.stderr.includes(`${f} validates`)), stderr: r.stderr };
}

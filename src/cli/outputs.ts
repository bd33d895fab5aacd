/**
 * What `simulate` and `process` write with `--out` (design.md §4.1), fed event by event in time order:
 * events.jsonl, tracks.geojson, alerts/<message>.cap.xml, site.json (for the display), and the incident reports. Incident events are
 * written before the event whose time closed them (they carry their closing time).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { capXml } from '../io/cap.js';
import { TracksGeoJson } from '../io/geojson.js';
import { IncidentBuilder, incidentMarkdown, type Incident } from '../report/incident.js';
import type { Site } from '../scenario/types.js';
import { formatEvent, type AlertEvent, type SimEvent } from '../sim/events.js';
import { siteJson } from '../service/site-json.js';
import { LineFile } from './line-file.js';

export class RunOutputs {
  private readonly events: LineFile | undefined;
  private readonly geo = new TracksGeoJson();
  private readonly incidents: IncidentBuilder;
  private readonly capDir: string | undefined;

  /** out: the --out directory (undefined: nothing is written, the incident reports are still built) */
  constructor(
    private readonly site: Site,
    private readonly out: string | undefined,
    private readonly capSender: string,
  ) {
    this.incidents = new IncidentBuilder(site);
    if (out) {
      mkdirSync(out, { recursive: true });
      this.events = new LineFile(join(out, 'events.jsonl'));
      this.capDir = join(out, 'alerts');
      mkdirSync(this.capDir, { recursive: true });
      // the site as the operator display draws it (its static mode opens this folder)
      writeFileSync(join(out, 'site.json'), JSON.stringify(siteJson(site)) + '\n');
    }
  }

  /** One event of the run, in time order. */
  add(ev: SimEvent): void {
    this.incidents.add(ev);
    for (const inc of this.incidents.takeIncidentEvents()) this.write(inc);
    this.write(ev);
  }

  private write(ev: SimEvent): void {
    this.events?.write(formatEvent(ev));
    if (ev.type === 'track' || ev.type === 'prediction') this.geo.add(ev);
    if (ev.type === 'alert' && this.capDir && 'messageId' in ev) {
      const a = ev as AlertEvent;
      writeFileSync(join(this.capDir, `${a.messageId}.cap.xml`), capXml(a, this.site, { sender: this.capSender }));
    }
  }

  /** End of the run at UTC t: open incidents close (their events are written); files are closed. */
  close(t: number): void {
    // closing times are kept to the millisecond: round up so the incident event does not precede the last one
    this.incidents.close(Math.ceil(t * 1000) / 1000);
    for (const inc of this.incidents.takeIncidentEvents()) this.write(inc);
    this.events?.close();
    if (this.out) writeFileSync(join(this.out, 'tracks.geojson'), JSON.stringify(this.geo.toJSON()) + '\n');
  }

  /** Closes the event file only (after a failure part-way). */
  abort(): void {
    this.events?.close();
  }

  incidentList(): Incident[] {
    return this.incidents.incidents();
  }

  /** The incident reports as markdown, one after the other. */
  incidentsMarkdown(): string {
    return this.incidentList()
      .map((inc) => incidentMarkdown(inc, this.site) + '\n')
      .join('');
  }
}

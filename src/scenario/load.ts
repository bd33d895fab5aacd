/**
 * Loading site and scenario files. Every problem — YAML syntax, a wrong field, a missing file, a ring that
 * is not closed, an aim point out of range — is thrown as an InputError naming the file, the line and the
 * field, which the CLI prints as `file:line: field: message` before exiting with code 2.
 */
import { buildScenario } from './scenario-build.js';
import { buildSite } from './site-build.js';
import type { Scenario, Site } from './types.js';
import { YamlSource } from './yaml-source.js';

export type {
  Asset,
  Environment,
  InterceptorConfig,
  Landmark,
  LonLat,
  NonBallisticDef,
  RadarConfig,
  Scenario,
  Site,
  ThreatDef,
  Waypoint,
  Zone,
} from './types.js';

/** Parses a site document; `path` names it in errors and anchors the files it refers to. */
export function parseSite(text: string, path: string): Site {
  return buildSite({ source: YamlSource.parse(text, path), path: [] });
}

/** Parses a scenario document; `path` names it in errors and anchors the files it refers to. */
export function parseScenario(text: string, path: string): Scenario {
  return buildScenario(YamlSource.parse(text, path));
}

export function loadSite(path: string): Site {
  return buildSite({ source: YamlSource.read(path), path: [] });
}

export function loadScenario(path: string): Scenario {
  return buildScenario(YamlSource.read(path));
}

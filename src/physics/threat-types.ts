/** The threat types of the catalogue (domain.md §1). Scenario files name one of these. */
export const THREAT_TYPES = ['rocket-107', 'rocket-122', 'mortar-60', 'mortar-81', 'mortar-82', 'mortar-120'] as const;
export type ThreatType = (typeof THREAT_TYPES)[number];

export function isThreatType(s: string): s is ThreatType {
  return (THREAT_TYPES as readonly string[]).includes(s);
}

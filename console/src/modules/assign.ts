// The gap rules a candidate can close from the gap list, and with which relationship: an
// uncovered building, park or unit wants a party organization that COVERS it; a branch,
// building or park with no officer wants a person ASSIGNED_TO it (docs/rules.md#candidates).
export type Closes = 'covers' | 'assigned_to'

export const CLOSES: Readonly<Record<string, Closes>> = {
  ORG_BUILDING_UNCOVERED: 'covers',
  ORG_PARK_UNCOVERED: 'covers',
  ORG_UNIT_UNCOVERED: 'covers',
  TEAM_BRANCH_NO_OFFICER: 'assigned_to',
  TEAM_BUILDING_NO_OFFICER: 'assigned_to',
  TEAM_PARK_NO_OFFICER: 'assigned_to',
}

package model

// RecallLevel is the level of distribution a unit is at, in the words FDA (21 CFR 7.42) and
// NMPA use for a recall's depth: wholesale (makers, distributors, carriers), retail
// (hospitals, pharmacies, platforms selling to patients) and consumer (units dispensed).
type RecallLevel string

// Recall levels, from the maker outwards.
const (
	LevelWholesale RecallLevel = "wholesale"
	LevelRetail    RecallLevel = "retail"
	LevelConsumer  RecallLevel = "consumer"
)

// RecallLevels lists the levels from the maker outwards.
var RecallLevels = []RecallLevel{LevelWholesale, LevelRetail, LevelConsumer}

// Reaches reports whether a recall of depth d reaches units at level l: wholesale depth the
// wholesale level, retail depth wholesale and retail, consumer depth every level.
func (d RecallDepth) Reaches(l RecallLevel) bool {
	switch d {
	case DepthConsumer:
		return true
	case DepthRetail:
		return l == LevelWholesale || l == LevelRetail
	}
	return l == LevelWholesale
}

// PartyLevel is the level of a party's stock: retail for a party whose roles are all
// dispensing ones (hospital, pharmacy, platform), wholesale for every other party, an
// unknown one (nil) or one that also trades at wholesale level included, so that no stock
// escapes a wholesale recall.
func PartyLevel(p *Party) RecallLevel {
	if p == nil || len(p.Roles) == 0 {
		return LevelWholesale
	}
	for _, r := range p.Roles {
		switch r {
		case RoleHospital, RolePharmacy, RolePlatform:
		default:
			return LevelWholesale
		}
	}
	return LevelRetail
}

// UnitLevel is the level of one unit of stage: consumer once dispensed, the receiver's
// level while in transit (receiver is "" when unknown), else its holder's.
func UnitLevel(stage Status, holder, receiver RecallLevel) RecallLevel {
	switch {
	case stage == StatusDispensed:
		return LevelConsumer
	case stage == StatusInTransit && receiver != "":
		return receiver
	}
	return holder
}

// LevelCounts counts a recall's units by level and stage.
type LevelCounts map[RecallLevel]StageCounts

// Add counts one unit of stage at level l.
func (lc LevelCounts) Add(l RecallLevel, stage Status, quarantined bool) {
	c := lc[l]
	c.Add(stage, quarantined)
	lc[l] = c
}

// Progress computes required, done and progress of a recall of depth from its counts by
// level (units and lot-level quantities alike). Returned (received back), destroyed and
// re-worked units are done, and required whatever their level (they came back); units in
// stock, in transit (returns on their way included) or dispensed are required where the
// depth reaches their level; decommissioned units are out of circulation and not required.
func Progress(depth RecallDepth, byLevel LevelCounts) (required, done int, progress float64) {
	for _, l := range RecallLevels {
		c := byLevel[l]
		done += c.Returned + c.Destroyed + c.Reworked
		required += c.Returned + c.Destroyed + c.Reworked
		if depth.Reaches(l) {
			required += c.InStock + c.InTransit + c.Dispensed
		}
	}
	if required <= 0 {
		return 0, done, 1
	}
	return required, done, float64(done) / float64(required)
}

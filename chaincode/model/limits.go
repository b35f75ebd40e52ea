package model

import "time"

// The ledger's limits, defined once: the chaincode enforces them, the gateway's validation
// tags (through the aliases in Limits) and the docs refer to them.
const (
	// MaxEventIDLength is the longest client-supplied event ID (also a recall's ID).
	MaxEventIDLength = 200
	// MaxCommission is the largest number of codes one commissioning event takes; every
	// event that names codes takes at most as many.
	MaxCommission = 10000
	// MaxEventCodes is the largest number of codes any other event names.
	MaxEventCodes = MaxCommission
	// MaxQuantityElements bounds the lot quantities one event names.
	MaxQuantityElements = 1000
	// MaxPageSize is the largest page a list query answers; DefaultPageSize is used for 0.
	MaxPageSize     = 1000
	DefaultPageSize = 50
	// MaxReasonLength bounds free-text reasons and notes.
	MaxReasonLength = 1000
	// MaxCodeLength bounds one code as sent (an element string, a Digital Link URI).
	MaxCodeLength = 512
	// MaxClockSkew is how far a declared event time may lie after the transaction time.
	MaxClockSkew = 5 * time.Minute
	// MaxEventAge is how far a declared event time may lie before the transaction time: a
	// scanner that was offline uploads within it, and no event is back-dated further.
	MaxEventAge = 30 * 24 * time.Hour
)

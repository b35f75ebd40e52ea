package model

import "time"

// Product is the DI record, as in the FDA GUDID or the NMPA UDI database.
type Product struct {
	DI                 string            `json:"di" validate:"required,max=64,printascii"`
	IssuingAgency      string            `json:"issuingAgency" validate:"max=32"` // GS1, NMPA-drug, MA, HIBCC
	Scheme             Scheme            `json:"scheme" validate:"isdefault"`     // set by the ledger from the DI
	Name               string            `json:"name" validate:"required,max=200"`
	Model              string            `json:"model,omitempty" validate:"max=200"` // model or specification
	Kind               ProductKind       `json:"kind" validate:"required,oneof=drug device"`
	RegistrationNumber string            `json:"registrationNumber,omitempty" validate:"max=128"`
	Prescription       bool              `json:"prescription"` // Rx when true, OTC when false
	Storage            *TemperatureRange `json:"storage,omitempty"`
	PackageLevels      []PackageLevel    `json:"packageLevels,omitempty" validate:"max=20,dive"`
	Manufacturer       string            `json:"manufacturer" validate:"isdefault"` // MSP ID of the owner, set by the ledger
	RecallIDs          []string          `json:"recallIds,omitempty" validate:"isdefault"`
	Links              []ProductLink     `json:"links,omitempty" validate:"isdefault"` // set with product:SetLinks
	RegisteredAt       string            `json:"registeredAt,omitempty" validate:"isdefault"`
}

// TemperatureRange is a storage condition in degrees Celsius, both ends inclusive.
type TemperatureRange struct {
	Min float64 `json:"min"`
	Max float64 `json:"max" validate:"gtefield=Min"`
}

// Contains reports whether celsius is within the range.
func (r *TemperatureRange) Contains(celsius float64) bool {
	return r == nil || (celsius >= r.Min && celsius <= r.Max)
}

// PackageLevel is one packaging level of a product (unit of use, box, case) with its own DI.
type PackageLevel struct {
	DI       string `json:"di" validate:"required,max=64"`
	Quantity int    `json:"quantity" validate:"gt=0"`             // units of the contained level
	Contains string `json:"contains,omitempty" validate:"max=64"` // DI of the contained level
}

// Validate checks the shape of a product record (ownership is checked by the contract).
func (p *Product) Validate() error {
	if p.DI == "" || p.Name == "" {
		return Invalid("product di and name are required")
	}
	if p.Kind != KindDrug && p.Kind != KindDevice {
		return Invalid("product %s: kind must be drug or device, got %q", p.DI, p.Kind)
	}
	if p.Storage != nil && p.Storage.Min > p.Storage.Max {
		return Invalid("product %s: storage min %.1f above max %.1f", p.DI, p.Storage.Min, p.Storage.Max)
	}
	for _, l := range p.PackageLevels {
		if l.DI == "" || l.Quantity <= 0 {
			return Invalid("product %s: package level needs a di and a positive quantity", p.DI)
		}
	}
	return nil
}

// Lot is a production batch of one product.
type Lot struct {
	DI             string    `json:"di" validate:"required,max=64,printascii"`
	Lot            string    `json:"lot" validate:"required,max=20,printascii"`
	ProductionDate string    `json:"productionDate,omitempty" validate:"omitempty,datetime=2006-01-02"` // YYYY-MM-DD
	Expiry         string    `json:"expiry" validate:"required,datetime=2006-01-02"`                    // YYYY-MM-DD; usable through this day
	Quantity       int       `json:"quantity" validate:"gte=0"`
	Status         LotStatus `json:"status" validate:"omitempty,oneof=released quarantined recalled"`
	RecallIDs      []string  `json:"recallIds,omitempty" validate:"isdefault"`
	Manufacturer   string    `json:"manufacturer" validate:"isdefault"` // set by the ledger
	RegisteredAt   string    `json:"registeredAt,omitempty" validate:"isdefault"`
}

// ExpiredAt reports whether the lot is past its expiry date at t.
func (l *Lot) ExpiredAt(t time.Time) bool { return Expired(l.Expiry, t) }

// Expired reports whether a product with expiry date expiry (YYYY-MM-DD, usable through that
// day) is expired at t. An empty expiry never expires.
func Expired(expiry string, t time.Time) bool {
	return expiry != "" && DateOf(t) > expiry
}

// Validate checks the shape of a lot record.
func (l *Lot) Validate() error {
	if l.DI == "" || l.Lot == "" {
		return Invalid("lot di and lot are required")
	}
	if !ValidDate(l.Expiry) {
		return Invalid("lot %s: expiry %q must be YYYY-MM-DD", l.Lot, l.Expiry)
	}
	if l.ProductionDate != "" && (!ValidDate(l.ProductionDate) || l.ProductionDate > l.Expiry) {
		return Invalid("lot %s: production date %q must be YYYY-MM-DD and not after expiry", l.Lot, l.ProductionDate)
	}
	if l.Quantity < 0 {
		return Invalid("lot %s: quantity must not be negative", l.Lot)
	}
	switch l.Status {
	case "", LotReleased, LotQuarantined:
	default:
		return Invalid("lot %s: status must be released or quarantined, got %q", l.Lot, l.Status)
	}
	return nil
}

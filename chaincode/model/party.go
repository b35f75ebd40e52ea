package model

import (
	"slices"
	"sort"
	"time"
)

// Party is an organisation on the ledger, identified by its MSP ID.
type Party struct {
	MSPID           string     `json:"mspId" validate:"required,mspid"`
	Name            string     `json:"name" validate:"required,max=200"`
	Roles           []Role     `json:"roles" validate:"required,min=1,max=7,dive,role"`
	Licences        []Licence  `json:"licences,omitempty" validate:"max=100,dive"`
	CompanyPrefixes []string   `json:"companyPrefixes,omitempty" validate:"max=100,dive,numeric,min=4,max=12"` // GS1 company prefixes
	DrugCodes       []string   `json:"drugCodes,omitempty" validate:"max=1000,dive,numeric,len=7"`             // 7-digit product codes of 20-digit drug trace codes
	Locations       []Location `json:"locations,omitempty" validate:"max=1000,dive"`
	RegisteredBy    string     `json:"registeredBy,omitempty" validate:"isdefault"` // set by the ledger
	UpdatedAt       string     `json:"updatedAt,omitempty" validate:"isdefault"`    // set by the ledger
}

// Licence is a permit to trade: manufacturing, wholesale, retail, medical institution…
type Licence struct {
	Type      string `json:"type" validate:"required,max=64"`
	Number    string `json:"number" validate:"required,max=128"`
	ValidFrom string `json:"validFrom" validate:"required,datetime=2006-01-02"` // YYYY-MM-DD, inclusive
	ValidTo   string `json:"validTo" validate:"required,datetime=2006-01-02"`   // YYYY-MM-DD, inclusive
}

// Location is a place of a party, identified by its GLN.
type Location struct {
	GLN     string `json:"gln" validate:"required,gln"`
	Name    string `json:"name,omitempty" validate:"max=200"`
	Address string `json:"address,omitempty" validate:"max=500"`
}

// HasRole reports whether p has any of roles.
func (p *Party) HasRole(roles ...Role) bool {
	for _, r := range roles {
		if slices.Contains(p.Roles, r) {
			return true
		}
	}
	return false
}

// HasLocation reports whether gln is one of p's locations.
func (p *Party) HasLocation(gln string) bool {
	for _, l := range p.Locations {
		if l.GLN == gln {
			return true
		}
	}
	return false
}

// ValidAt reports whether the licence is valid on the date of t.
func (l Licence) ValidAt(t time.Time) bool {
	d := DateOf(t)
	return l.ValidFrom <= d && d <= l.ValidTo
}

// LicensedAt reports whether p holds at least one licence valid at t. Regulators need none.
func (p *Party) LicensedAt(t time.Time) bool {
	if p.HasRole(RoleRegulator) {
		return true
	}
	for _, l := range p.Licences {
		if l.ValidAt(t) {
			return true
		}
	}
	return false
}

// ExpiringLicence is one row of the licence expiry warning.
type ExpiringLicence struct {
	MSPID    string  `json:"mspId"`
	Name     string  `json:"name"`
	Licence  Licence `json:"licence"`
	DaysLeft int     `json:"daysLeft"` // negative when already expired
}

// ExpiringWithin lists p's licences that end within days of t (already expired ones
// included, with a negative DaysLeft), soonest first.
func (p *Party) ExpiringWithin(t time.Time, days int) []ExpiringLicence {
	today, _ := ParseDate(DateOf(t))
	var out []ExpiringLicence
	for _, l := range p.Licences {
		end, err := ParseDate(l.ValidTo)
		if err != nil {
			continue
		}
		left := int(end.Sub(today).Hours() / 24)
		if left <= days {
			out = append(out, ExpiringLicence{MSPID: p.MSPID, Name: p.Name, Licence: l, DaysLeft: left})
		}
	}
	SortExpiring(out)
	return out
}

// SortExpiring orders rows soonest first, then by MSP ID and licence number.
func SortExpiring(rows []ExpiringLicence) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if a.DaysLeft != b.DaysLeft {
			return a.DaysLeft < b.DaysLeft
		}
		if a.MSPID != b.MSPID {
			return a.MSPID < b.MSPID
		}
		return a.Licence.Number < b.Licence.Number
	})
}

// Validate checks the shape of a party record.
func (p *Party) Validate() error {
	if p.MSPID == "" {
		return Invalid("party mspId is required")
	}
	if p.Name == "" {
		return Invalid("party %s: name is required", p.MSPID)
	}
	if len(p.Roles) == 0 {
		return Invalid("party %s: at least one role is required", p.MSPID)
	}
	for _, r := range p.Roles {
		if !r.Valid() {
			return Invalid("party %s: unknown role %q", p.MSPID, r)
		}
	}
	for _, l := range p.Licences {
		if l.Type == "" || l.Number == "" {
			return Invalid("party %s: licence type and number are required", p.MSPID)
		}
		if !ValidDate(l.ValidFrom) || !ValidDate(l.ValidTo) || l.ValidTo < l.ValidFrom {
			return Invalid("party %s: licence %s needs validFrom <= validTo as YYYY-MM-DD", p.MSPID, l.Number)
		}
	}
	for _, gcp := range p.CompanyPrefixes {
		if len(gcp) < 4 || len(gcp) > 12 || !allDigits(gcp) {
			return Invalid("party %s: company prefix %q must be 4 to 12 digits", p.MSPID, gcp)
		}
	}
	for _, c := range p.DrugCodes {
		if len(c) != 7 || !allDigits(c) {
			return Invalid("party %s: drug product code %q must be 7 digits", p.MSPID, c)
		}
	}
	for _, l := range p.Locations {
		if len(l.GLN) != 13 || !allDigits(l.GLN) {
			return Invalid("party %s: location gln %q must be 13 digits", p.MSPID, l.GLN)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

package simplequery

import "strings"

// vocabulary is one CBV 2.0 vocabulary: its terms and the prefixes of their URI forms (GS1
// web URI, compact IRI, EPCIS 1.x URN).
type vocabulary struct {
	name     string
	terms    map[string]bool
	prefixes []string
}

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func cbv(name, web, urn string, terms map[string]bool) vocabulary {
	return vocabulary{"CBV 2.0 " + name, terms, []string{
		"https://ref.gs1.org/cbv/" + web + "-", "http://ref.gs1.org/cbv/" + web + "-",
		"cbv:" + web + "-", "urn:epcglobal:cbv:" + urn + ":"}}
}

// The CBV 2.0 vocabularies that the query parameters name.
var (
	bizSteps = cbv("business step", "BizStep", "bizstep", set("accepting", "arriving", "assembling",
		"collecting", "commissioning", "consigning", "creating_class_instance", "cycle_counting",
		"decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
		"entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other",
		"packing", "picking", "receiving", "removing", "repackaging", "repairing", "replacing",
		"reserving", "retail_selling", "shipping", "staging_outbound", "stock_taking", "stocking",
		"storing", "transporting", "unloading", "unpacking", "void_shipping", "sensor_reporting",
		"sampling"))
	dispositions = cbv("disposition", "Disp", "disp", set("active", "container_closed", "damaged",
		"destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit",
		"inactive", "no_pedigree_match", "non_sellable_other", "partially_dispensed", "recalled",
		"reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible",
		"stolen", "unknown", "available", "completeness_verified", "completeness_inferred",
		"conformant", "container_open", "mismatch_instance", "mismatch_class", "mismatch_quantity",
		"needs_replacement", "non_conformant", "unavailable"))
	bizTransactionTypes = cbv("business transaction type", "BTT", "btt", set("bol", "cert", "desadv",
		"inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"))
	sourceDestTypes = cbv("source or destination type", "SDT", "sdt",
		set("owning_party", "possessing_party", "location"))
	errorReasons = cbv("error reason", "ER", "er", set("did_not_occur", "incorrect_data"))
	// measurementTypes are the GS1 web vocabulary's measurement types (gs1:Temperature).
	measurementTypes = vocabulary{"GS1 measurement type", set(
		"AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity",
		"Altitude", "AmountOfSubstance", "AmountOfSubstancePerUnitVolume", "Angle",
		"AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance",
		"Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent",
		"DoseEquivalentRate", "DynamicViscosity", "ElectricCharge", "ElectricCurrent",
		"ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force", "Frequency",
		"Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum",
		"Luminance", "LuminousFlux", "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity",
		"MagneticVectorPotential", "Mass", "MassConcentration", "MassFlowRate", "MassPerAreaTime",
		"MemoryCapacity", "MolalityOfSolute", "MolarEnergy", "MolarMass", "MolarVolume", "Power",
		"Pressure", "RadiantFlux", "RadiantIntensity", "RelativeHumidity", "Resistance", "Resistivity",
		"SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity", "SurfaceTension", "Temperature",
		"Time", "Torque", "Voltage", "Volume", "VolumeFlowRate", "VolumeFraction", "VolumetricFlux",
		"Wavenumber"),
		[]string{"https://gs1.org/voc/", "http://gs1.org/voc/", "https://www.gs1.org/voc/", "http://www.gs1.org/voc/", "gs1:"}}
)

// canonical returns the bare term of s given in any of its forms, or s unchanged (a URI of
// another vocabulary). Events are read with it.
func (v vocabulary) canonical(s string) string {
	for _, p := range v.prefixes {
		if len(s) > len(p) && strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

// param reads a query value: a term of the vocabulary in any form, or a URI of another
// vocabulary. A bare word the vocabulary lacks is refused, unless open is set (business
// transaction and source/destination types in parameter names).
func (v vocabulary) param(s string, open bool) (string, string) {
	c := v.canonical(s)
	switch {
	case v.terms[c]:
		return c, ""
	case c != s && open && isWord(c):
		return c, ""
	case c != s:
		return "", quote(s) + " is not a " + v.name
	case isURI(s) || open && isWord(s):
		return s, ""
	}
	return "", quote(s) + " is neither a " + v.name + " nor a URI"
}

// CanonicalBizStep returns the bare CBV name of a business step in any of its forms
// (shipping, https://ref.gs1.org/cbv/BizStep-shipping, cbv:BizStep-shipping,
// urn:epcglobal:cbv:bizstep:shipping); other URIs are returned unchanged.
func CanonicalBizStep(s string) string { return bizSteps.canonical(s) }

// CanonicalDisposition does for dispositions what CanonicalBizStep does for business steps.
func CanonicalDisposition(s string) string { return dispositions.canonical(s) }

func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isURI reports whether s has a scheme or compact-IRI prefix ("urn:", "https:", "ext:") and
// no white space.
func isURI(s string) bool {
	i := strings.IndexByte(s, ':')
	if i < 1 || i == len(s)-1 {
		return false
	}
	for j := 0; j < i; j++ {
		c := s[j]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return !strings.ContainsAny(s, " \t\r\n")
}

func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return `"` + s + `"`
}

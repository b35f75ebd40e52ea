// Package cbv holds the vocabularies of GS1's Core Business Vocabulary (CBV) 2.0 that EPCIS
// 2.0 events use, and the GS1 measurement types of sensor reports: their terms and the forms a
// term is written in (bare, GS1 web URI, compact IRI, EPCIS 1.x URN). The chaincode's mapping
// of events and the gateway's queries read terms with it, so both know the same words.
package cbv

import (
	"sort"
	"strings"
)

// Vocabulary is one vocabulary: its terms and the prefixes of their written forms.
type Vocabulary struct {
	Name     string // what a term is, for messages: "CBV 2.0 business step"
	Terms    map[string]bool
	Prefixes []string
}

// Canonical returns the bare term of s written in any prefixed form of the vocabulary, or s
// unchanged (a bare term, or a URI of another vocabulary). It does not check the term.
func (v Vocabulary) Canonical(s string) string {
	for _, p := range v.Prefixes {
		if len(s) > len(p) && strings.HasPrefix(s, p) {
			return s[len(p):]
		}
	}
	return s
}

// Sorted lists the terms in order.
func (v Vocabulary) Sorted() []string {
	out := make([]string, 0, len(v.Terms))
	for t := range v.Terms {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// IsWord reports whether s is a bare term: ASCII letters, digits and underscores.
func IsWord(s string) bool {
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

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

// vocab is a CBV 2.0 vocabulary: web is its name in GS1 web URIs (BizStep), urn in EPC URNs
// (bizstep).
func vocab(name, web, urn string, terms map[string]bool) Vocabulary {
	return Vocabulary{"CBV 2.0 " + name, terms, []string{
		"https://ref.gs1.org/cbv/" + web + "-", "http://ref.gs1.org/cbv/" + web + "-",
		"cbv:" + web + "-", "urn:epcglobal:cbv:" + urn + ":"}}
}

// The CBV 2.0 vocabularies, as the EPCIS 2.0 JSON schema enumerates them.
var (
	BizStep = vocab("business step", "BizStep", "bizstep", set("accepting", "arriving", "assembling",
		"collecting", "commissioning", "consigning", "creating_class_instance", "cycle_counting",
		"decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
		"entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other",
		"packing", "picking", "receiving", "removing", "repackaging", "repairing", "replacing",
		"reserving", "retail_selling", "shipping", "staging_outbound", "stock_taking", "stocking",
		"storing", "transporting", "unloading", "unpacking", "void_shipping", "sensor_reporting",
		"sampling"))
	Disposition = vocab("disposition", "Disp", "disp", set("active", "container_closed", "damaged",
		"destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress", "in_transit",
		"inactive", "no_pedigree_match", "non_sellable_other", "partially_dispensed", "recalled",
		"reserved", "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible",
		"stolen", "unknown", "available", "completeness_verified", "completeness_inferred",
		"conformant", "container_open", "mismatch_instance", "mismatch_class", "mismatch_quantity",
		"needs_replacement", "non_conformant", "unavailable"))
	BizTransactionType = vocab("business transaction type", "BTT", "btt", set("bol", "cert", "desadv",
		"inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd", "testres", "upevt"))
	SourceDestType = vocab("source or destination type", "SDT", "sdt",
		set("owning_party", "possessing_party", "location"))
	ErrorReason = vocab("error reason", "ER", "er", set("did_not_occur", "incorrect_data"))
	// MeasurementType holds the GS1 web vocabulary's measurement types (gs1:Temperature).
	MeasurementType = Vocabulary{"GS1 measurement type", set(
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

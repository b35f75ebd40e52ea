package simplequery

import (
	"errors"
	"slices"
	"testing"
)

const (
	ex961   = "Example_9.6.1-ObjectEvent"
	ex962   = "Example_9.6.2-ObjectEvent"
	ex963   = "Example_9.6.3-AggregationEvent"
	ex964   = "Example_9.6.4-TransformationEvent"
	dl961   = "WithDigitalLinkID/Example_9.6.1-ObjectEventWithDigitalLink"
	dl962   = "WithDigitalLinkID/Example_9.6.2-ObjectEventWithDigitalLink"
	dl963   = "WithDigitalLinkID/Example_9.6.3-AggregationEventWithDigitalLink"
	dl964   = "WithDigitalLinkID/Example_9.6.4-TransformationEventWithDigitalLink"
	errDecl = "WithErrorDeclaration/Example_9.6.1-ObjectEvent-with-error-declaration"
	errCorr = "WithErrorDeclaration/ErrorDeclarationAndCorrectiveEvent"
	txEvs   = "Example-TransactionEvents-2020_07_03y"
	typeEx  = "Example-Type-sourceOrDestination,measurement,bizTransaction"
	persist = "PersistentDisposition-example"
	assoc   = "AssociationEvent/AssociationEvent-"
	sensor  = "WithSensorData/SensorDataExample"
	fullAgg = "WithFullCombinationOfFields/aggregation_event_all_possible_fields"
	fullAss = "WithFullCombinationOfFields/association_event_all_possible_fields"
	fullObj = "WithFullCombinationOfFields/object_event_all_possible_fields"
	fullTx  = "WithFullCombinationOfFields/transaction_event_all_possible_fields"
	fullTf  = "WithFullCombinationOfFields/transformation_event_all_possible_fields"
)

// matchTests are queries on the GS1 reference set and the events each must select.
var matchTests = []struct {
	name string
	give string // URL query
	want []string
}{
	// What kind of event, when.
	{"eventType", "eventType=TransactionEvent", []string{txEvs + "#0", txEvs + "#1", fullTx, sensor + "11"}},
	{"eventType lists", "eventType=TransformationEvent|TransactionEvent", []string{ex964, dl964, errCorr + "#0", errCorr + "#1", fullTf, sensor + "12", txEvs + "#0", txEvs + "#1", fullTx, sensor + "11"}},
	{"GE_eventTime", "GE_eventTime=2021-01-01T00:00:00Z", []string{errCorr + "#1", sensor + "13", sensor + "14", sensor + "15", sensor + "16", sensor + "17"}},
	{"LT_eventTime compares instants across zones", "LT_eventTime=2005-04-05T00:00:00Z", []string{ex961 + "#0", dl961 + "#0", errDecl + "#0", fullTx}},
	{"GE_ and LT_recordTime", "GE_recordTime=2019-11-06T13:05:00Z&LT_recordTime=2019-11-06T13:05:00.001Z", []string{typeEx, assoc + "f"}},
	{"a zone's + sent unescaped", "GE_eventTime=2021-04-27T15:00:00+01:00&LT_eventTime=2021-04-27T15:00:01+01:00", []string{sensor + "13", sensor + "17"}},

	// Why.
	{"EQ_action", "EQ_action=DELETE", []string{assoc + "c", assoc + "d", assoc + "g", assoc + "h"}},
	{"EQ_bizStep as a web URI", "EQ_bizStep=https://ref.gs1.org/cbv/BizStep-shipping", []string{ex961 + "#0", dl961 + "#0", errDecl + "#0", fullTx}},
	{"EQ_bizStep as a 1.x URN and another vocabulary", "EQ_bizStep=urn:epcglobal:cbv:bizstep:transporting|http://epcis.example.org/hc/bizstep/summarising_discharge", []string{txEvs + "#0", txEvs + "#1"}},
	{"EQ_disposition compact", "EQ_disposition=cbv:Disp-needs_replacement", []string{sensor + "11"}},
	{"EQ_persistentDisposition_set", "EQ_persistentDisposition_set=completeness_verified", []string{persist + "#1", fullObj, fullTf}},
	{"EQ_persistentDisposition_unset", "EQ_persistentDisposition_unset=https://ref.gs1.org/cbv/Disp-completeness_inferred", []string{persist + "#1", fullObj, fullTf}},
	{"EQ_bizTransaction_type", "EQ_bizTransaction_po=http://transaction.acme.com/po/12345678", []string{ex961 + "#0", ex961 + "#1", dl961 + "#0", dl961 + "#1", errDecl + "#0", errDecl + "#1", typeEx}},
	{"EQ_bizTransaction_ with the type's URI and the value's Digital Link", "EQ_bizTransaction_https://ref.gs1.org/cbv/BTT-po=https://id.gs1.org/253/06141410000121618034", fullCombination},
	{"EQ_bizTransaction_ of another vocabulary", "EQ_bizTransaction_urn:gs1:epcisapp:rail:btt:passage=http://transaction.examplerail.com/passage/xyz12345", []string{txEvs + "#1"}},

	// Where.
	{"EQ_readPoint: URN, and Digital Links on any host", "EQ_readPoint=urn:epc:id:sgln:4012345.00005.0", []string{sensor + "1", sensor + "10", sensor + "14", sensor + "15", sensor + "1b", sensor + "2", sensor + "3", sensor + "4", sensor + "5", sensor + "6", sensor + "7", sensor + "9"}},
	{"EQ_readPoint with a GLN extension as a Digital Link", "EQ_readPoint=https://id.gs1.org/414/0012345111112/254/400", []string{ex961 + "#1", dl961 + "#1", errDecl + "#1", fullObj}},
	{"EQ_bizLocation", "EQ_bizLocation=urn:epc:id:sgln:0614141.00888.0", []string{ex962, ex963, dl962, dl963, fullAss, fullTx, fullTf}},
	{"EQ_source_type", "EQ_source_possessing_party=urn:epc:id:pgln:4000001.00012", []string{typeEx, assoc + "f"}},
	{"EQ_destination_type as a Digital Link", "EQ_destination_owning_party=https://id.gs1.org/417/9520999999990", []string{persist + "#0", persist + "#1"}},
	{"EQ_destination_ with the type's URI", "EQ_destination_https://ref.gs1.org/cbv/SDT-location=urn:epc:id:sgln:952005385.011.0", []string{txEvs + "#1"}},

	// What.
	{"EQ_eventID", "EQ_eventID=urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8", []string{errCorr + "#0", fullObj}},
	{"EQ_transformationID", "EQ_transformationID=urn:epc:id:gdti:0614141.12345.400", []string{fullTf}},
	{"MATCH_epc", "MATCH_epc=urn:epc:id:sgtin:0614141.107346.2018", []string{ex961 + "#0", ex961 + "#1", ex963, errDecl + "#0", errDecl + "#1", fullAgg, fullObj, fullTx}},
	{"MATCH_epc by Digital Link finds the URN", "MATCH_epc=https://id.gs1.org/01/10614141073464/21/2018", []string{ex961 + "#0", ex961 + "#1", ex963, errDecl + "#0", errDecl + "#1", fullAgg, fullObj, fullTx}},
	{"MATCH_epc by URN finds the Digital Link", "MATCH_epc=urn:epc:id:sgtin:0614141.712345.2018", []string{dl961 + "#0", dl961 + "#1", dl963}},
	{"MATCH_epc with a company-prefix pattern", "MATCH_epc=urn:epc:idpat:sgtin:4012345.*.*", []string{sensor + "1", sensor + "10", sensor + "2", sensor + "5", sensor + "6", sensor + "7", sensor + "9"}},
	{"MATCH_epc with a product pattern", "MATCH_epc=urn:epc:idpat:sgtin:0614141.107340.*", []string{sensor + "11"}},
	{"MATCH_parentID", "MATCH_parentID=urn:epc:id:sscc:0614141.1234567890", []string{ex963, dl963, fullAgg, fullTx}},
	{"MATCH_parentID by Digital Link", "MATCH_parentID=https://id.gs1.org/00/106141412345678908", []string{ex963, dl963, fullAgg, fullTx}},
	{"MATCH_inputEPC", "MATCH_inputEPC=urn:epc:id:sgtin:4000001.065432.99886655", []string{ex964, dl964, fullTf}},
	{"MATCH_outputEPC", "MATCH_outputEPC=urn:epc:idpat:sgtin:4012345.012345.*", []string{sensor + "12"}},
	{"MATCH_anyEPC reaches parentID", "MATCH_anyEPC=urn:epc:id:grai:4012345.55555.987", []string{assoc + "a", assoc + "c", assoc + "d", assoc + "e", assoc + "g", assoc + "h", fullAss}},
	{"MATCH_anyEPC reaches outputs", "MATCH_anyEPC=urn:epc:id:sgtin:4012345.033333.AGHFG", []string{errCorr + "#0", errCorr + "#1"}},
	{"MATCH_anyEPC with an SSCC pattern", "MATCH_anyEPC=urn:epc:idpat:sscc:4012345.*", []string{sensor + "8"}},
	{"MATCH_epcClass", "MATCH_epcClass=urn:epc:class:lgtin:4012345.012345.998877", []string{ex962, ex963, dl963, fullAgg, fullAss, fullObj}},
	{"MATCH_epcClass with a product finds its pattern class", "MATCH_epcClass=https://id.gs1.org/01/04012345987652", []string{ex963, dl963, fullAgg, fullAss}},
	{"MATCH_inputEPCClass", "MATCH_inputEPCClass=urn:epc:class:lgtin:0614141.077777.987", []string{ex964, dl964, fullTf}},
	{"MATCH_outputEPCClass", "MATCH_outputEPCClass=urn:epc:idpat:sgtin:4012345.066666.*", []string{fullTf}},
	{"MATCH_anyEPCClass", "MATCH_anyEPCClass=urn:epc:class:lgtin:4023333.055555.ABC123", []string{sensor + "12"}},
	{"EQ_quantity", "EQ_quantity=200", []string{ex962, dl962, fullObj}},
	{"GT_quantity", "GT_quantity=500", []string{assoc + "e"}},
	{"GE_quantity", "GE_quantity=500", []string{assoc + "e", errCorr + "#0", errCorr + "#1"}},
	{"LT_quantity", "LT_quantity=5", []string{typeEx, assoc + "f"}},
	{"LE_quantity", "LE_quantity=10", []string{typeEx, assoc + "f", ex963, dl963, ex964, dl964, fullAgg, fullAss, fullTx, fullTf}},
	{"GE_quantity_ converts the unit", "GE_quantity_GRM=200000", []string{errCorr + "#0", errCorr + "#1", ex962, dl962, ex963, dl963, fullAgg, fullAss, fullObj}},

	// Error declarations.
	{"EXISTS_errorDeclaration", "EXISTS_errorDeclaration=true", plus(fullCombination, assoc+"g", errCorr+"#0", errDecl+"#0", sensor+"12")},
	{"GE_errorDeclarationTime", "GE_errorDeclarationTime=2020-01-01T00:00:00Z", []string{errCorr + "#0", errDecl + "#0", sensor + "12"}},
	{"LT_errorDeclarationTime", "LT_errorDeclarationTime=2007-01-01T00:00:00Z", []string{fullObj, fullTx}},
	{"EQ_errorReason", "EQ_errorReason=https://ref.gs1.org/cbv/ER-incorrect_data", plus(fullCombination, assoc+"g", errCorr+"#0", errDecl+"#0")},
	{"EQ_correctiveEventID", "EQ_correctiveEventID=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6", []string{errDecl + "#0"}},
	{"EQ_ERROR_DECLARATION_", "EQ_ERROR_DECLARATION_example:vendorExtension=Test1", []string{errCorr + "#0"}},
	{"EQ_INNER_ERROR_DECLARATION_", "EQ_INNER_ERROR_DECLARATION_example3:value1=34", []string{sensor + "12"}},
	{"EXISTS_ERROR_DECLARATION_", "EXISTS_ERROR_DECLARATION_example:issuer", []string{sensor + "12"}},

	// Extensions and ILMD.
	{"EQ_fieldname", "EQ_example:myField=Example of a vendor/user extension", []string{ex961 + "#1", ex962, ex963, ex964, dl961 + "#1", dl962, dl963, dl964, errDecl + "#1", typeEx}},
	{"EQ_fieldname compares numbers as numbers", "EQ_ext1:int=10.0", fullCombination},
	{"GT_fieldname", "GT_ext1:float=19.5", fullCombination},
	{"LE_fieldname", "LE_ext1:float=19.5", nil},
	{"GE_fieldname with a time", "GE_ext1:time=2013-06-08T16:58:56.591%2B02:00", fullCombination},
	{"LT_fieldname with a time", "LT_ext1:time=2013-06-08T14:58:56.591Z", nil},
	{"EQ_fieldname matches an item of a list", "EQ_ext1:array=stringInArray", fullCombination},
	{"EQ_fieldname does not look inside", "EQ_ext2:string=stringInObject", nil},
	{"EQ_INNER_fieldname", "EQ_INNER_ext2:string=stringInObject", fullCombination},
	{"EQ_INNER_fieldname deep in a list", "EQ_INNER_ext3:string=stringInObjectInObjectInArray", fullCombination},
	{"EXISTS_fieldname", "EXISTS_rail:vehicle=", []string{txEvs + "#1"}},
	{"EXISTS_INNER_fieldname", "EXISTS_INNER_ext2:int", fullCombination},
	{"EXISTS_INNER_ looks only inside extensions", "EXISTS_INNER_example:measure1", nil},
	{"EXISTS_INNER_SENSORELEMENT_", "EXISTS_INNER_SENSORELEMENT_example:measure1", []string{sensor + "12", sensor + "6", sensor + "8"}},
	{"EQ_ILMD_", "EQ_ILMD_example:batch=XYZ", []string{ex964, dl964}},
	{"EQ_ILMD_ CBV master data", "EQ_ILMD_cbvmda:lotNumber=ABC123|LOTABC", []string{fullObj, fullTf, sensor + "12"}},
	{"GE_ILMD_", "GE_ILMD_cbvmda:netWeight=3.5", []string{fullObj, fullTf}},
	{"EXISTS_ILMD_", "EXISTS_ILMD_example:bestBeforeDate", []string{ex964, dl964}},
	{"EQ_INNER_ILMD_", "EQ_INNER_ILMD_example2:sizeCode=B-2", []string{sensor + "12"}},
	{"EQ_readPoint_ extension", "EQ_readPoint_example:x=y", nil},

	// Sensors.
	{"EXISTS_sensorElementList", "EXISTS_sensorElementList=&eventType=AssociationEvent", []string{typeEx, assoc + "f", fullAss}},
	{"EQ_type in its three forms", "EQ_type=gs1:Mass|https://gs1.org/voc/DoseEquivalentRate|Angle", []string{sensor + "11", sensor + "14", sensor + "17"}},
	{"EQ_type of another vocabulary", "EQ_type=example:Jkl", []string{sensor + "7"}},
	{"EQ_deviceID in a report, as a Digital Link", "EQ_deviceID=https://id.gs1.org/8004/4000001222", []string{sensor + "4"}},
	{"EQ_deviceMetadata", "EQ_deviceMetadata=https://id.gs1.org/8004/4000001333", []string{sensor + "4"}},
	{"EQ_rawData", "EQ_rawData=https://example.org/8004/4000001444-20190402T150000000", []string{sensor + "4"}},
	{"EQ_dataProcessingMethod", "EQ_dataProcessingMethod=https://example.com/253/4012345000054987", plus(fullCombination, sensor+"8")},
	{"EQ_bizRules: Digital Links on any host are one identifier", "EQ_bizRules=https://example.org/253/4012345000054987", plus(fullCombination, sensor+"2", sensor+"8")},
	{"EQ_bizRules", "EQ_bizRules=urn:epc:id:gdti:4012345.00005.987", plus(fullCombination, sensor+"2", sensor+"8")},
	{"EQ_microorganism", "EQ_microorganism=https://www.ncbi.nlm.nih.gov/taxonomy/1126011", plus(fullCombination, sensor+"8")},
	{"EQ_chemicalSubstance", "EQ_chemicalSubstance=https://identifiers.org/inchikey:CZMRCDWAGMRECN-UGDNZRGBSA-N", plus(fullCombination, sensor+"8")},
	{"EQ_stringValue", "EQ_stringValue=SomeString", plus(fullCombination, sensor+"7")},
	{"EQ_booleanValue", "EQ_booleanValue=true", plus(fullCombination, sensor+"7", sensor+"9")},
	{"EQ_booleanValue false", "EQ_booleanValue=false", nil},
	{"EQ_hexBinaryValue ignores case", "EQ_hexBinaryValue=F0F0F0", plus(fullCombination, sensor+"7")},
	{"EQ_uriValue", "EQ_uriValue=https://example.com/ErrorCode-A827", []string{sensor + "9"}},
	{"GE_time", "GE_time=2021-05-27T12:00:00Z", []string{sensor + "15"}},
	{"LT_time in reports", "LT_time=2019-04-02T13:10:00Z&GE_time=2019-04-02T13:05:00Z", plus(fullCombination, sensor+"1", sensor+"1b", sensor+"5")},
	{"LT_startTime", "LT_startTime=2019-04-01T14:30:00Z", []string{sensor + "12", sensor + "3", sensor + "6", sensor + "8"}},
	{"GE_endTime", "GE_endTime=2019-11-01T00:00:00Z", []string{typeEx, assoc + "f"}},
	{"GE_value_", "GE_value_CEL=26.15", []string{sensor + "1", sensor + "1b", sensor + "5"}},
	{"GT_value_ converts Celsius to kelvin", "GT_value_KEL=299.3", []string{sensor + "1", sensor + "1b", sensor + "5"}},
	{"EQ_value_", "EQ_value_CEL=20.7|-1", []string{sensor + "13"}},
	{"EQ_value_ converts kilograms to grams", "EQ_value_GRM=25000", []string{sensor + "17"}},
	{"LE_value_ of a unit that does not convert", "LE_value_MTS=0", []string{sensor + "10"}},
	{"LT_minValue_", "LT_minValue_CEL=13", []string{sensor + "12", sensor + "3", sensor + "6", sensor + "8"}},
	{"GE_maxValue_ converts Fahrenheit", "GE_maxValue_FAH=79", plus(fullCombination, sensor+"2")},
	{"LT_meanValue_", "LT_meanValue_CEL=14", plus(fullCombination, sensor+"12", sensor+"6", sensor+"8")},
	{"LT_sDev_ converts a difference without offset", "LT_sDev_KEL=0.2", plus(fullCombination, sensor+"2")},
	{"GE_percRank", "GE_percRank=50", plus(fullCombination, sensor+"12", sensor+"6", sensor+"8")},
	{"LT_percValue_", "LT_percValue_CEL=13", plus(fullCombination, sensor+"12", sensor+"6", sensor+"8")},
	{"EQ_SENSORELEMENT_", "EQ_SENSORELEMENT_example:someUserField=abc123", []string{sensor + "12"}},
	{"EQ_SENSORMETADATA_", "EQ_SENSORMETADATA_ext1:someFurtherMetadata=someText", fullCombination},
	{"EQ_SENSORREPORT_", "EQ_SENSORREPORT_example:cv=123", []string{sensor + "12", sensor + "6", sensor + "8"}},
	{"EQ_INNER_SENSORELEMENT_", "EQ_INNER_SENSORELEMENT_example:measure2=0.987", []string{sensor + "12", sensor + "6", sensor + "8"}},

	// Several parameters: all must hold.
	{"parameters are ANDed", "EQ_bizStep=receiving&MATCH_epc=urn:epc:id:sgtin:0614141.107346.2018&EQ_action=ADD", []string{fullObj}},
	{"perPage and nextPageToken restrict nothing", "perPage=2&nextPageToken=abc&eventType=TransactionEvent", []string{txEvs + "#0", txEvs + "#1", fullTx, sensor + "11"}},
}

func TestMatchOnTheReferenceSet(t *testing.T) {
	examples := loadExamples(t, "examples")
	for _, tt := range matchTests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := Parse(values(t, tt.give))
			if err != nil {
				t.Fatalf("Parse(%s): %v", tt.give, err)
			}
			want := sorted(tt.want...)
			if got := matching(q, examples); !slices.Equal(got, want) {
				t.Errorf("%s\n got %q\nwant %q", tt.give, got, want)
			}
		})
	}
}

func TestEveryParameterRestricts(t *testing.T) {
	examples := loadExamples(t, "examples")
	for _, tt := range matchTests {
		if len(tt.want) >= len(examples) {
			t.Errorf("%s matches every example: it tests nothing", tt.name)
		}
	}
}

func TestParamErrors(t *testing.T) {
	tests := []struct {
		give      string
		wantParam string
	}{
		{"eventType=Bogus", "eventType"},
		{"GE_eventTime=yesterday", "GE_eventTime"},
		{"LT_recordTime=2020-01-01T00:00:00", "LT_recordTime"},
		{"GE_eventTime=2020-01-01T00:00:00Z&GE_eventTime=2021-01-01T00:00:00Z", "GE_eventTime"},
		{"EQ_action=REMOVE", "EQ_action"},
		{"EQ_bizStep=flying", "EQ_bizStep"},
		{"EQ_bizStep=https://ref.gs1.org/cbv/BizStep-flying", "EQ_bizStep"},
		{"EQ_disposition=", "EQ_disposition"},
		{"EQ_errorReason=forgot", "EQ_errorReason"},
		{"MATCH_epc=urn:epc:id:sgtin:0614141", "MATCH_epc"},
		{"MATCH_epc=urn:epc:idpat:sgtin:0614141.*.2018", "MATCH_epc"},
		{"MATCH_epc=urn:epc:idpat:cpi:0614141.*.*", "MATCH_epc"},
		{"MATCH_anyEPC=not a uri", "MATCH_anyEPC"},
		{"EQ_readPoint=here", "EQ_readPoint"},
		{"EQ_quantity=many", "EQ_quantity"},
		{"GE_quantity=NaN", "GE_quantity"},
		{"LT_value_CEL=-Inf", "LT_value_CEL"},
		{"GT_quantity=1|2", "GT_quantity"},
		{"GE_value_CEL=warm", "GE_value_CEL"},
		{"GT_ext1:float=abc", "GT_ext1:float"},
		{"EQ_booleanValue=yes", "EQ_booleanValue"},
		{"EQ_type=Temprature", "EQ_type"},
		{"EQ_type=gs1:Temprature", "EQ_type"},
		{"EXISTS_errorDeclaration=maybe", "EXISTS_errorDeclaration"},
		{"orderBy=quantity", "orderBy"},
		{"orderBy=eventTime&orderDirection=UP", "orderDirection"},
		{"eventCountLimit=3", "eventCountLimit"},
		{"orderBy=eventTime&eventCountLimit=3&maxEventCount=5", "eventCountLimit"},
		{"maxEventCount=0", "maxEventCount"},
		{"perPage=-1", "perPage"},
		{"HASATTR_bizLocation=urn:epcglobal:cbv:mda:site", "HASATTR_bizLocation"},
		{"EQATTR_bizLocation_site=x", "EQATTR_bizLocation_site"},
		{"EQ_foo=1", "EQ_foo"},
		{"EQ_value=1", "EQ_value"},
		{"EQ_value_celsius=1", "EQ_value_celsius"},
		{"MATCH_everything=x", "MATCH_everything"},
		{"epc=urn:epc:id:sgtin:0614141.107346.2018", "epc"},
	}
	for _, tt := range tests {
		t.Run(tt.give, func(t *testing.T) {
			_, err := Parse(values(t, tt.give))
			var pe *ParamError
			if !errors.As(err, &pe) {
				t.Fatalf("Parse(%s) = %v, want a *ParamError", tt.give, err)
			}
			if pe.Param != tt.wantParam {
				t.Errorf("Parse(%s) names %q, want %q (%v)", tt.give, pe.Param, tt.wantParam, err)
			}
		})
	}
}

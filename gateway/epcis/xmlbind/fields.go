package xmlbind

// kind says how a standard event field is written in XML.
type kind int

const (
	kText             kind = iota // <f>text</f>
	kVocab                        // <f>URN</f> ↔ bare term (vocab in field.vocab)
	kEPCs                         // <f><epc>…</epc>…</f>
	kQuantities                   // <f><quantityElement>…</quantityElement>…</f>
	kLocation                     // <f><id>…</id> extensions</f>
	kBizTransactions              // <f><bizTransaction type="…">…</bizTransaction>…</f>
	kSources                      // <f><source type="…">…</source>…</f>
	kDestinations                 // <f><destination type="…">…</destination>…</f>
	kSensors                      // <f><sensorElement>…</sensorElement>…</f>
	kPersistent                   // <f><unset>…</unset><set>…</set></f>
	kExtensions                   // <f> extension elements </f> (ilmd)
	kErrorDeclaration             // <f><declarationTime/><reason/><correctiveEventIDs/>…</f>
)

type field struct {
	kind  kind
	vocab string // kVocab
}

// eventFields are the standard fields of every event type, by JSON (and XML) name.
var eventFields = map[string]field{
	"eventTime":             {kind: kText},
	"recordTime":            {kind: kText},
	"eventTimeZoneOffset":   {kind: kText},
	"eventID":               {kind: kText},
	"certificationInfo":     {kind: kText},
	"errorDeclaration":      {kind: kErrorDeclaration},
	"action":                {kind: kText},
	"parentID":              {kind: kText},
	"transformationID":      {kind: kText},
	"bizStep":               {kind: kVocab, vocab: cbvBizStep},
	"disposition":           {kind: kVocab, vocab: cbvDisposition},
	"epcList":               {kind: kEPCs},
	"childEPCs":             {kind: kEPCs},
	"inputEPCList":          {kind: kEPCs},
	"outputEPCList":         {kind: kEPCs},
	"quantityList":          {kind: kQuantities},
	"childQuantityList":     {kind: kQuantities},
	"inputQuantityList":     {kind: kQuantities},
	"outputQuantityList":    {kind: kQuantities},
	"readPoint":             {kind: kLocation},
	"bizLocation":           {kind: kLocation},
	"bizTransactionList":    {kind: kBizTransactions},
	"sourceList":            {kind: kSources},
	"destinationList":       {kind: kDestinations},
	"sensorElementList":     {kind: kSensors},
	"persistentDisposition": {kind: kPersistent},
	"ilmd":                  {kind: kExtensions},
}

// eventTypes are the XML element names of the events, each with the order of its fields in
// EPCglobal-epcis-2_0.xsd (EPCISEventType's fields first; certificationInfo after them).
var eventTypes = map[string][]string{
	"ObjectEvent": {"epcList", "action", "bizStep", "disposition", "readPoint", "bizLocation",
		"bizTransactionList", "quantityList", "sourceList", "destinationList", "sensorElementList",
		"persistentDisposition", "ilmd"},
	"AggregationEvent": {"parentID", "childEPCs", "action", "bizStep", "disposition", "readPoint",
		"bizLocation", "bizTransactionList", "childQuantityList", "sourceList", "destinationList",
		"sensorElementList", "persistentDisposition"},
	"TransactionEvent": {"bizTransactionList", "parentID", "epcList", "action", "bizStep",
		"disposition", "readPoint", "bizLocation", "quantityList", "sourceList", "destinationList",
		"sensorElementList", "persistentDisposition"},
	"TransformationEvent": {"inputEPCList", "inputQuantityList", "outputEPCList",
		"outputQuantityList", "transformationID", "bizStep", "disposition", "readPoint",
		"bizLocation", "bizTransactionList", "sourceList", "destinationList", "sensorElementList",
		"persistentDisposition", "ilmd"},
	"AssociationEvent": {"parentID", "childEPCs", "childQuantityList", "action", "bizStep",
		"disposition", "readPoint", "bizLocation", "bizTransactionList", "sourceList",
		"destinationList", "sensorElementList", "persistentDisposition"},
}

var commonFields = []string{"eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
	"errorDeclaration", "certificationInfo"}

// allFieldOrder is a fixed order of every standard field, for fields an event type does not
// list (they are still written, after the type's own).
var allFieldOrder = []string{"eventTime", "recordTime", "eventTimeZoneOffset", "eventID",
	"errorDeclaration", "certificationInfo", "parentID", "epcList", "childEPCs", "inputEPCList",
	"inputQuantityList", "outputEPCList", "outputQuantityList", "transformationID", "action",
	"bizStep", "disposition", "readPoint", "bizLocation", "bizTransactionList", "quantityList",
	"childQuantityList", "sourceList", "destinationList", "sensorElementList",
	"persistentDisposition", "ilmd"}

// sensorNumbers and sensorBooleans are the typed attributes of sensorMetadata and
// sensorReport; every other attribute is a string.
var sensorNumbers = map[string]bool{
	"value": true, "minValue": true, "maxValue": true, "sDev": true, "meanValue": true,
	"percRank": true, "percValue": true,
}

var sensorBooleans = map[string]bool{"booleanValue": true}

// numericTypes are the xsi:type values read as JSON numbers.
var numericTypes = map[string]bool{
	"decimal": true, "integer": true, "int": true, "long": true, "short": true, "byte": true,
	"double": true, "float": true, "nonNegativeInteger": true, "positiveInteger": true,
	"nonPositiveInteger": true, "negativeInteger": true, "unsignedLong": true,
	"unsignedInt": true, "unsignedShort": true, "unsignedByte": true,
}

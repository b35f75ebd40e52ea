// Package simplequery is the EPCIS 2.0 SimpleEventQuery: it reads the query's parameters,
// as URL query parameters of the REST binding (GET /events …) or as the JSON query object of
// a named query (POST /queries), and evaluates them against events in their JSON-LD form,
// exactly as captured, in either JSON-LD context. It does no I/O.
//
// How values compare:
//   - Identifiers (EPCs, classes, locations, parties, devices, business transactions)
//     compare by CanonicalID: an EPC URN equals its GS1 Digital Link, on any host.
//   - CBV terms compare in any form: shipping, https://ref.gs1.org/cbv/BizStep-shipping,
//     cbv:BizStep-shipping, urn:epcglobal:cbv:bizstep:shipping; measurement types likewise
//     (Temperature, gs1:Temperature, https://gs1.org/voc/Temperature).
//   - Extension fields compare as numbers when both sides are numbers (also numbers written
//     as strings), as instants when both are date-times, else as text; a list matches when
//     an item does.
//   - Measurements with a unit (GE_value_KEL, LT_quantity_GRM …) convert the event's unit
//     when both are of one dimension in a small table (temperature, mass, length, volume,
//     pressure, time, percent); other units compare only with themselves.
//   - Each parameter is one condition: two sensor parameters may be met by two different
//     reports of one event.
//   - WD_readPoint and WD_bizLocation use the Locations given with WithLocations; without
//     them a location has no descendants.
package simplequery

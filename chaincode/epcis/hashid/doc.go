// Package hashid computes the EPCIS Event Hash ID that GS1's Core Business Vocabulary (CBV)
// 2.0 defines (section "EPCIS Event Hash ID"; reference implementation and algorithm text:
// github.com/RalphTro/epcis-event-hash-generator). The ID fingerprints an event independently
// of its syntax (XML or JSON-LD), of its JSON-LD context and of key and list order:
//
//	ni:///sha-256;<lowercase hex of SHA-256(pre-hash string)>?ver=CBV2.0
//
// The pre-hash string concatenates, without separators, "key=value" for each field in the
// canonical property order (eventType, eventTime, eventTimeZoneOffset, epcList, parentID,
// inputEPCList, childEPCs, quantityList, childQuantityList, inputQuantityList, outputEPCList,
// outputQuantityList, action, transformationID, bizStep, disposition, persistentDisposition,
// readPoint, bizLocation, bizTransactionList, sourceList, destinationList, sensorElementList,
// ilmd, then user extensions). A parent writes its name without "=" followed by its children;
// the elements of a list are sorted by byte value and the list name appears once. Values are
// normalised:
//
//   - timestamps in UTC with exactly three decimals ("2020-03-04T10:00:30.000Z"), the third
//     rounded up when the fourth is 5 to 9;
//   - numbers without trailing zeros or exponent where Python's repr would not use one
//     ("1.0" → "1", "23.0" → "23");
//   - CBV values as GS1 web URIs: bare terms of the simple and full contexts ("shipping"),
//     CURIEs ("cbv:BizStep-shipping") and CBV 1.x URNs ("urn:epcglobal:cbv:bizstep:shipping")
//     all become "https://ref.gs1.org/cbv/BizStep-shipping"; a bare measurement type becomes
//     "https://gs1.org/voc/Temperature";
//   - EPC URNs and GS1 Digital Link URIs on any host as constrained canonical Digital Links on
//     https://id.gs1.org: no query string, only the primary key with its finest qualifier
//     (01/21, 01/10, 01/235, 414/254, 8006/21, 8006/10, 8010/8011);
//   - bizTransaction, source and destination as "type=…" followed by the identifier;
//   - ILMD and extension elements as "{namespace IRI}localName", with "=value" for a leaf,
//     each level sorted; extensions inside readPoint, bizLocation, sensorElement,
//     sensorMetadata and sensorReport follow their parent's regular fields.
//
// eventID, recordTime, errorDeclaration and certificationInfo are left out, so an event keeps
// its ID when a server adds them. Where revisions of the reference implementation disagree,
// this package follows the CBV 2.0 text: "sensorElementList" is written, measurement types
// expand under https://gs1.org/voc/ (the EPCIS 2.0 context's gs1 prefix), and extensions of
// readPoint, bizLocation and the sensor elements stay inside their parent.
//
// Everything is deterministic and uses only the standard library and package gs1, so it can
// run inside chaincode.
package hashid

package epcis

import "maps"

// SensorDevices lists the devices a sensor report may be about alone: an ObjectEvent with
// sensor data whose epcList names one thing (the device itself) or nothing, and the deviceID
// of each sensor element. The chaincode applies the readings to the goods a device travels
// with (an AssociationEvent) when the event names no goods the ledger governs.
func SensorDevices(ev map[string]any) []string {
	if ev["type"] != "ObjectEvent" {
		return nil
	}
	elems, _ := ev["sensorElementList"].([]any)
	if len(elems) == 0 {
		return nil
	}
	var out []string
	add := func(v any) {
		s, ok := v.(string)
		if !ok || !isURI(s) {
			return
		}
		for _, have := range out {
			if have == s {
				return
			}
		}
		out = append(out, s)
	}
	if l, _ := ev["epcList"].([]any); len(l) == 1 {
		add(l[0])
	}
	for _, el := range elems {
		m, _ := el.(map[string]any)
		md, _ := m["sensorMetadata"].(map[string]any)
		add(md["deviceID"])
	}
	return out
}

// WithGoods is ev naming the goods of keys (canonical keys) in its epcList, in place of the
// device and of any quantities: what the readings of a device apply to.
func WithGoods(ev map[string]any, keys []string) map[string]any {
	out := maps.Clone(ev)
	l := make([]any, len(keys))
	for i, k := range keys {
		l[i] = CodeURI(k)
	}
	out["epcList"] = l
	delete(out, "quantityList")
	return out
}

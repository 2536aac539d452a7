package oruk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spatlas/spatlas/internal/spatlas"
)

// document is a parsed top-level JSON value: its records and, for paged lists, the paging
// fields.
type document struct {
	items []json.RawMessage
	// list is true for a paged list object, false for a bare array or a single record.
	list bool
	// array is true for a bare JSON array.
	array bool
	// Paging fields of a list; -1 when absent.
	totalItems, totalPages int
	lastPage, empty        bool
}

// parseDocument tells the shape of a document and returns its records.
func parseDocument(name string, data []byte) (*document, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a UTF-8 byte order mark
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: empty: no JSON document", name)
	}
	if !json.Valid(data) {
		return nil, syntaxError(name, data)
	}
	doc := &document{totalItems: -1, totalPages: -1}
	switch trimmed[0] {
	case '[':
		doc.array = true
		if err := json.Unmarshal(data, &doc.items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %v", name, err)
		}
		return doc, nil
	case '{':
	default:
		return nil, spatlas.Errorf(spatlas.EINVALID,
			"%s: the document is a JSON %s, not a list of services or a service", name, jsonKind(trimmed))
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, spatlas.Errorf(spatlas.EINVALID, "%s: %v", name, err)
	}
	contents, ok := obj["contents"]
	if !ok {
		contents, ok = obj["content"]
	}
	if !ok {
		if isRecord(obj) {
			doc.items = []json.RawMessage{json.RawMessage(trimmed)}
			return doc, nil
		}
		return nil, spatlas.Errorf(spatlas.EINVALID,
			`%s: neither a list of services (an array, or an object with "contents"), a service, a service_at_location nor an organisation with services; the object has %s`,
			name, keyList(obj))
	}
	doc.list = true
	if !isNull(contents) {
		if err := json.Unmarshal(contents, &doc.items); err != nil {
			return nil, spatlas.Errorf(spatlas.EINVALID, "%s: contents is a JSON %s, not an array of records",
				name, jsonKind(bytes.TrimSpace(contents)))
		}
	}
	var err error
	if doc.totalItems, err = intField(name, obj, "total_items", "totalElements"); err != nil {
		return nil, err
	}
	if doc.totalPages, err = intField(name, obj, "total_pages", "totalPages"); err != nil {
		return nil, err
	}
	if doc.lastPage, err = boolField(name, obj, "last_page", "last"); err != nil {
		return nil, err
	}
	if doc.empty, err = boolField(name, obj, "empty"); err != nil {
		return nil, err
	}
	return doc, nil
}

// isRecord says whether an object can be one record: a service, a service_at_location or an
// organisation with services.
func isRecord(obj map[string]json.RawMessage) bool {
	if _, ok := obj["services"]; ok {
		return true
	}
	if _, ok := obj["id"]; !ok {
		return false
	}
	for _, k := range [...]string{"status", "organization", "service_at_locations", "service"} {
		if _, ok := obj[k]; ok {
			return true
		}
	}
	return false
}

// syntaxError describes where JSON that is not valid goes wrong.
func syntaxError(name string, data []byte) error {
	var v any
	err := json.Unmarshal(data, &v)
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset < int64(len(bytes.TrimRight(data, " \t\r\n"))) {
		line, col := lineCol(data, se.Offset)
		return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: line %d, column %d: %v", name, line, col, se)
	}
	if se != nil || errors.Is(err, io.ErrUnexpectedEOF) || err == nil {
		line, _ := lineCol(data, int64(len(bytes.TrimRight(data, " \t\r\n"))))
		return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: the document ends early, at line %d", name, line)
	}
	return spatlas.Errorf(spatlas.EINVALID, "%s: not valid JSON: %v", name, err)
}

// lineCol returns the 1-based line and column of a byte offset.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1)
	if col < 1 {
		col = 1
	}
	return line, col
}

// jsonKind names the kind of a JSON value from its first byte.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '{':
		return "object"
	case '[':
		return "array"
	case '"':
		return "string"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

func isNull(v json.RawMessage) bool { return string(bytes.TrimSpace(v)) == "null" }

// keyList lists an object's keys for messages, a few at most.
func keyList(obj map[string]json.RawMessage) string {
	keys := slices.Sorted(maps.Keys(obj))
	if len(keys) == 0 {
		return "no fields"
	}
	const most = 8
	s := "fields " + strings.Join(keys[:min(len(keys), most)], ", ")
	if len(keys) > most {
		s += fmt.Sprintf(" and %d more", len(keys)-most)
	}
	return s
}

// intField reads the first of the named paging fields present as a whole number; -1 when none
// is.
func intField(name string, obj map[string]json.RawMessage, keys ...string) (int, error) {
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || isNull(v) {
			continue
		}
		var f float64
		if err := json.Unmarshal(v, &f); err != nil || f < 0 || f != float64(int(f)) {
			return 0, spatlas.Errorf(spatlas.EINVALID, "%s: %s is %s, not a whole number", name, k, v)
		}
		return int(f), nil
	}
	return -1, nil
}

// boolField reads the first of the named paging fields present as a boolean; false when none is.
func boolField(name string, obj map[string]json.RawMessage, keys ...string) (bool, error) {
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || isNull(v) {
			continue
		}
		var b bool
		if err := json.Unmarshal(v, &b); err != nil {
			return false, spatlas.Errorf(spatlas.EINVALID, "%s: %s is %s, not true or false", name, k, v)
		}
		return b, nil
	}
	return false, nil
}

// Package taxonomy gives every community asset exactly one category (METHODS.md, Provision).
//
// The categories and the rules that choose among them live in data/taxonomy.json: OpenStreetMap
// tags, Open Referral UK taxonomy terms, the whole free-text labels sources use ("Place Of
// Worship", "LAL"), and keywords looked for in labels and, last, in names. Parse compiles the
// rules once into lookups, so that Classify, which runs once per imported row, does no regular
// expression work and, for short texts, no allocation.
//
// # Order of the rules
//
// Classify takes the first of:
//
//  1. the category the import set (CategoryHints.Category), when it is a known id;
//  2. OpenStreetMap tags, key by key in the taxonomy's priority order (amenity, social_facility,
//     healthcare, shop, leisure, club, sport, office, tourism, landuse, natural, building): for
//     each key the feature has, a key=value rule, then the value's first part before a ";", then a
//     key=* rule; a key with no rule passes to the next key, so amenity=shelter with
//     leisure=bird_hide is green space;
//  3. Open Referral terms, in the order given, matched whole after case folding; a term written as
//     a path ("Low Income>Unemployed") is also tried segment by segment from the last;
//  4. labels matched whole ("Place Of Worship");
//  5. keywords in the labels, label by label;
//  6. keywords in the name, leaving out keywords marked labels_only (generic words such as
//     "health" that say little in a name);
//  7. "other".
//
// Keywords match whole words after case folding, with apostrophes dropped ("Men's Shed" is
// "mens shed") and any other punctuation a word break; a keyword's last word also matches with a
// plural "s" or "es" ("Grass pitches" matches "pitch"). When several keywords match one text,
// the rule that comes first in the file wins, so specific phrases ("food bank", "car park") are
// listed before generic words ("church", "park"). Accented Latin letters match their plain ones
// ("Café" is "cafe"). A keyword followed by a street word (Street, Road, Lane, Avenue, Close,
// ...) names a street, not the place, and does not count: an allotment on "Church Street" is not
// a church, and "12 Church Street" is "other". Importers never pass an address as a name or a
// label, so no category comes from an address; a place's type (tags, terms, labels such as
// site_type) comes before any word of its name.
package taxonomy

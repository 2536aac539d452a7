-- Records one category of the taxonomy. $1 id, $2 label, $3 group, $4 group label, $5 colour,
-- $6 display position.
INSERT INTO category (id, label, group_id, group_label, colour, position)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (id) DO UPDATE
SET label = EXCLUDED.label, group_id = EXCLUDED.group_id, group_label = EXCLUDED.group_label,
    colour = EXCLUDED.colour, position = EXCLUDED.position

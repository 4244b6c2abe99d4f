-- A campaign of 100,000 workers is searched by name: the name's two-character pieces (as the
-- members' are searched) find a full name among them without reading every worker.
create index care_recipients_name_pieces on care_recipients using gin (name_bigrams(name));

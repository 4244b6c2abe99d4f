-- The finder lists a district's places by kind and name, the first few hundred of them: read in
-- that order from an index, not sorted out of every place of a district that keeps 100,000.
create index places_listed on places (district_id, kind, name);

-- A care campaign paid from a fund draws on it as an application does: its budget is committed
-- on the fund's account for the campaign's union when the campaign is saved, and settling the
-- campaign pays what was given and releases the rest. The ledger row says which it was for.

alter table ledger_entries add column care_campaign_id bigint references care_campaigns (id);
alter table ledger_entries add constraint ledger_entries_one_purpose
    check (application_id is null or care_campaign_id is null);
create index ledger_entries_care_campaign on ledger_entries (care_campaign_id)
    where care_campaign_id is not null;

-- Settled: the spending paid from the fund (or closed, for a campaign of its own money); no
-- worker is added or removed after it.
alter table care_campaigns add column settled_on date;

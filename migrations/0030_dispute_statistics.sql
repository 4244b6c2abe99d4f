-- Dispute statistics read every case of a subtree and period at once (100,000 cases and 300,000
-- rounds in the benchmark), so each case keeps its rounds and what has been paid under its
-- agreement, kept by triggers as rounds and payments are added (neither is ever changed or
-- removed). The case page still reads the payments themselves.
alter table dispute_cases
    add column rounds    integer not null default 0 check (rounds >= 0),
    add column recovered bigint not null default 0 check (recovered >= 0);

update dispute_cases c set rounds = r.n
from (select case_id, count(*) as n from dispute_rounds group by case_id) r
where r.case_id = c.id;
update dispute_cases c set recovered = p.total
from (select case_id, sum(amount) as total from dispute_payments group by case_id) p
where p.case_id = c.id;

create function dispute_cases_count_round() returns trigger language plpgsql as $$
begin
    update dispute_cases set rounds = rounds + 1 where id = new.case_id;
    return null;
end
$$;
create trigger dispute_rounds_counted after insert on dispute_rounds
    for each row execute function dispute_cases_count_round();

create function dispute_cases_add_payment() returns trigger language plpgsql as $$
begin
    update dispute_cases set recovered = recovered + new.amount where id = new.case_id;
    return null;
end
$$;
create trigger dispute_payments_counted after insert on dispute_payments
    for each row execute function dispute_cases_add_payment();

-- The statistics' period is a range of intake days inside a subtree.
create index dispute_cases_received on dispute_cases (received_on);

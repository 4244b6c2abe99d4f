-- A member may leave for a union outside this federation (转出); the event's note says where.
alter table member_events drop constraint member_events_kind_check;
alter table member_events add constraint member_events_kind_check
    check (kind in ('joined', 'updated', 'transferred', 'transferred_out', 'lapsed', 'reinstated'));

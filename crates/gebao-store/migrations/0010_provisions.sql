-- Records of personal information provided to, or entrusted with, recipients (PIPL 55–56;
-- GB/T 35273 9.2 i: the date, scale, purpose and recipient of each sharing), kept three
-- years: per day (Beijing), recipient and purpose, how many decisions allowed it and which
-- fields it named. No personal information: counts and field ids.
CREATE TABLE provisions (
    day {date} NOT NULL,
    recipient TEXT NOT NULL,
    purpose TEXT NOT NULL,
    kind TEXT NOT NULL,
    decisions {int} NOT NULL,
    fields TEXT NOT NULL,
    updated_ms {int} NOT NULL,
    PRIMARY KEY (day, recipient, purpose)
);

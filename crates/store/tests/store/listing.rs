//! Event listings: filters, search, ordering, pages and counts.

use domain::{EventSummary, UserId};
use store::events::{EventFilter, EventOrder, EventQuery, EventSortField};
use store::testing::TestDb;
use store::write_transaction;

use super::fixtures::{count_queries, day, event, user};

fn names(events: &[EventSummary]) -> Vec<&str> {
    events.iter().map(|e| e.event.name.as_str()).collect()
}

fn list(db: &TestDb, query: EventQuery) -> Vec<EventSummary> {
    store::events::list(&mut db.conn(), &query).expect("list")
}

fn default_order_is_by_date_with_organizers(db: &TestDb) {
    let mut conn = db.conn();
    let ann = user(&mut conn, "ann");
    event(&mut conn, "Later", "2030-03-01", Some(ann.id));
    event(&mut conn, "Sooner", "2030-01-01", None);
    event(&mut conn, "Middle", "2030-02-01", Some(ann.id));
    let all = list(db, EventQuery::default());
    assert_eq!(names(&all), ["Sooner", "Middle", "Later"]);
    assert_eq!(all[0].organizer, None);
    assert_eq!(
        all[1].organizer.as_ref().map(|u| u.username.as_str()),
        Some("ann")
    );
}

fn ordering_by_several_keys_with_id_tie_break(db: &TestDb) {
    let mut conn = db.conn();
    let same_day: Vec<_> = (0..4)
        .map(|i| event(&mut conn, &format!("Same {i}"), "2030-01-01", None))
        .collect();
    event(&mut conn, "Alpha", "2030-05-05", None);
    event(&mut conn, "Zulu", "2029-05-05", None);

    let by_name_desc = list(
        db,
        EventQuery {
            ordering: vec![EventOrder::descending(EventSortField::Name)],
            ..EventQuery::default()
        },
    );
    assert_eq!(
        names(&by_name_desc),
        ["Zulu", "Same 3", "Same 2", "Same 1", "Same 0", "Alpha"]
    );

    let by_date_desc = list(
        db,
        EventQuery {
            ordering: vec![
                EventOrder::descending(EventSortField::Date),
                EventOrder::ascending(EventSortField::Name),
            ],
            ..EventQuery::default()
        },
    );
    assert_eq!(
        names(&by_date_desc),
        ["Alpha", "Same 0", "Same 1", "Same 2", "Same 3", "Zulu"]
    );

    // Ties are broken by id ascending, descending keys too (as Django does).
    let mut same_day_ids: Vec<_> = same_day.iter().map(|e| e.id).collect();
    same_day_ids.sort();
    let newest_first = list(
        db,
        EventQuery {
            ordering: vec![EventOrder::descending(EventSortField::Date)],
            ..EventQuery::default()
        },
    );
    let tied: Vec<_> = newest_first
        .iter()
        .filter(|e| e.event.date == day("2030-01-01"))
        .map(|e| e.event.id)
        .collect();
    assert_eq!(tied, same_day_ids, "-date: equal dates by id ascending");

    // Equal keys fall back to id, so pages never overlap or skip.
    let same = EventFilter {
        date: Some(day("2030-01-01")),
        ..EventFilter::default()
    };
    let ties = list(
        db,
        EventQuery {
            filter: same,
            ..EventQuery::default()
        },
    );
    let mut ids: Vec<_> = same_day.iter().map(|e| e.id).collect();
    ids.sort();
    assert_eq!(ties.iter().map(|e| e.event.id).collect::<Vec<_>>(), ids);
}

fn search_is_case_insensitive_and_literal(db: &TestDb) {
    let mut conn = db.conn();
    event(&mut conn, "RustConf", "2030-01-01", None);
    event(&mut conn, "Intro to rust", "2030-01-02", None);
    event(&mut conn, "50% off sale", "2030-01-03", None);
    event(&mut conn, "500 offers", "2030-01-04", None);
    let search = |term: &str| {
        let filter = EventFilter {
            search: Some(term.to_owned()),
            ..EventFilter::default()
        };
        list(
            db,
            EventQuery {
                filter,
                ..EventQuery::default()
            },
        )
    };
    assert_eq!(names(&search("RUST")), ["RustConf", "Intro to rust"]);
    assert_eq!(names(&search("50%")), ["50% off sale"], "% matches itself");
    assert_eq!(
        names(&search("0_o")),
        Vec::<&str>::new(),
        "_ matches itself"
    );
    assert_eq!(search("").len(), 4, "an empty search filters nothing");
    assert_eq!(
        names(&search("to RUST")),
        ["Intro to rust"],
        "every term must match"
    );
    assert_eq!(names(&search(" off,sale ")), ["50% off sale"]);
}

fn search_follows_renames_deletes_and_odd_terms(db: &TestDb) {
    let mut conn = db.conn();
    let jazz = event(&mut conn, "Jazz night", "2030-01-01", None);
    let gone = event(&mut conn, "Jazz brunch", "2030-01-02", None);
    event(&mut conn, r#"Say "hi" *now*"#, "2030-01-03", None);
    event(&mut conn, "ÉCOLE d'été", "2030-01-04", None);
    let matching = |term: &str| {
        let filter = EventFilter {
            search: Some(term.to_owned()),
            ..EventFilter::default()
        };
        let mut conn = db.conn();
        let page = store::events::list_page(
            &mut conn,
            &EventQuery {
                filter,
                limit: Some(10),
                ..EventQuery::default()
            },
        )
        .expect("search");
        assert_eq!(
            page.total,
            page.events.len() as i64,
            "{term}: count and page agree"
        );
        page.events
            .iter()
            .map(|e| e.event.name.as_str().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(matching("jazz"), ["Jazz night", "Jazz brunch"]);
    assert_eq!(matching("azz nig"), ["Jazz night"], "substrings, not words");
    assert_eq!(
        matching(r#""hi""#),
        [r#"Say "hi" *now*"#],
        "quotes are literal"
    );
    assert_eq!(
        matching("*now*"),
        [r#"Say "hi" *now*"#],
        "so are FTS operators"
    );
    assert_eq!(matching("AND"), Vec::<String>::new(), "nor is AND");
    assert_eq!(
        matching("ja"),
        ["Jazz night", "Jazz brunch"],
        "short terms too"
    );
    assert_eq!(
        matching("ja night"),
        ["Jazz night"],
        "short and long together"
    );
    assert_eq!(
        matching("école"),
        ["ÉCOLE d'été"],
        "case folded beyond ASCII"
    );

    let renamed = store::events::EventChanges {
        name: Some(domain::EventName::parse("Blues night").expect("valid")),
        ..Default::default()
    };
    store::events::update(&mut conn, jazz.id, &renamed).expect("rename");
    store::events::delete(&mut conn, gone.id).expect("delete");
    assert_eq!(
        matching("jazz"),
        Vec::<String>::new(),
        "the old names are gone"
    );
    assert_eq!(matching("blues"), ["Blues night"], "the new one is found");
}

fn search_pages_agree_whichever_plan_finds_them(db: &TestDb) {
    let mut conn = db.conn();
    // On SQLite some matches hold "kick" only once case is folded beyond
    // ASCII (a Kelvin sign for the K): the walk must still find them.
    let kelvin = conn.backend() == store::Backend::Sqlite;
    let mut expected = Vec::new();
    for i in 0..60 {
        let name = match i % 4 {
            0 if kelvin => format!("Go {i:02} \u{212A}ick"),
            0 | 2 => format!("Go {i:02} Kick"),
            _ => format!("Rock {i:02}"),
        };
        let date = format!("2030-01-{:02}", 1 + (i * 7) % 28);
        let made = event(&mut conn, &name, &date, None);
        if i % 2 == 0 {
            expected.push(made);
        }
    }
    for ordering in [
        vec![store::events::EventOrder::descending(
            store::events::EventSortField::Date,
        )],
        vec![store::events::EventOrder::ascending(
            store::events::EventSortField::Name,
        )],
    ] {
        let mut sorted = expected.clone();
        sorted.sort_by(|a, b| match ordering[0].field {
            store::events::EventSortField::Date => b.date.cmp(&a.date).then(a.id.cmp(&b.id)),
            _ => a.name.as_str().cmp(b.name.as_str()).then(a.id.cmp(&b.id)),
        });
        // A short page of many matches walks the order; a long one looks
        // the matches up (see `list_page`); both must give the same rows.
        for (limit, offset) in [(5, 3), (25, 0), (30, 10)] {
            let page = store::events::list_page(
                &mut conn,
                &EventQuery {
                    filter: EventFilter {
                        search: Some("kick".to_owned()),
                        ..EventFilter::default()
                    },
                    ordering: ordering.clone(),
                    limit: Some(limit),
                    offset,
                },
            )
            .expect("page");
            assert_eq!(page.total, 30);
            let want: Vec<_> = sorted
                .iter()
                .skip(offset as usize)
                .take(limit as usize)
                .map(|e| e.id)
                .collect();
            let got: Vec<_> = page.events.iter().map(|e| e.event.id).collect();
            assert_eq!(got, want, "limit {limit} offset {offset} by {ordering:?}");
        }
    }
}

fn filters_on_1000_events_with_pages_and_counts(db: &TestDb) {
    let mut conn = db.conn();
    let organizers: Vec<UserId> = (0..4)
        .map(|i| user(&mut conn, &format!("org{i}")).id)
        .collect();
    write_transaction(&mut conn, |conn| {
        for i in 0..1000u32 {
            let date = day("2030-01-01") + chrono::Days::new(u64::from(i % 100));
            let name = if i % 10 == 0 {
                format!("Workshop {i}")
            } else {
                format!("Meetup {i}")
            };
            event(
                conn,
                &name,
                &date.to_string(),
                Some(organizers[(i % 4) as usize]),
            );
        }
        Ok::<_, store::StoreError>(())
    })
    .expect("seed");

    // Dates 2030-01-11..=2030-01-20 hold ten events each.
    let range = EventFilter {
        date_after: Some(day("2030-01-11")),
        date_before: Some(day("2030-01-20")),
        ..EventFilter::default()
    };
    assert_eq!(store::events::count(&mut conn, &range).expect("count"), 100);

    let combined = EventFilter {
        search: Some("workshop".to_owned()),
        organizer: Some(organizers[2]),
        ..range.clone()
    };
    // Workshops are i % 10 == 0; in range, i % 100 == 10, so i = 10 + 100k,
    // all organized by organizers[i % 4] = organizers[2].
    let query = EventQuery {
        filter: combined,
        ordering: vec![EventOrder::ascending(EventSortField::Name)],
        limit: Some(3),
        offset: 2,
    };
    let page = store::events::list_page(&mut conn, &query).expect("page");
    assert_eq!(page.total, 10);
    assert_eq!(
        names(&page.events),
        ["Workshop 210", "Workshop 310", "Workshop 410"]
    );
    assert!(page
        .events
        .iter()
        .all(|e| e.organizer.as_ref().map(|u| u.id) == Some(organizers[2])));
    let other_organizer = EventFilter {
        organizer: Some(organizers[0]),
        ..query.filter.clone()
    };
    assert_eq!(
        store::events::count(&mut conn, &other_organizer).expect("count"),
        0
    );

    let exact = EventFilter {
        date: Some(day("2030-04-10")),
        ..EventFilter::default()
    };
    assert_eq!(store::events::count(&mut conn, &exact).expect("count"), 10);

    // A page costs the same number of queries whatever its size.
    let mut costs = Vec::new();
    for limit in [1, 10, 100, 1000] {
        let query = EventQuery {
            limit: Some(limit),
            ..EventQuery::default()
        };
        let (page, queries) =
            count_queries(&mut conn, |conn| store::events::list_page(conn, &query));
        let page = page.expect("page");
        assert_eq!(page.total, 1000);
        assert_eq!(page.events.len(), limit as usize);
        costs.push(queries);
    }
    assert_eq!(costs, [2, 2, 2, 2]);
    let past_end = EventQuery {
        limit: Some(10),
        offset: 995,
        ..EventQuery::default()
    };
    assert_eq!(
        store::events::list(&mut conn, &past_end)
            .expect("list")
            .len(),
        5
    );
}

fn the_total_of_all_events_follows_every_write(db: &TestDb) {
    let mut conn = db.conn();
    let all = EventFilter::default();
    let count = |conn: &mut store::DbConnection| store::events::count(conn, &all).expect("count");
    assert_eq!(count(&mut conn), 0);
    let first = event(&mut conn, "One", "2030-01-01", None);
    event(&mut conn, "Two", "2030-01-02", None);
    let bulk: Vec<_> = (0..5)
        .map(|i| store::events::NewEvent {
            name: domain::EventName::parse(&format!("Bulk {i}")).expect("valid"),
            date: day("2030-02-01"),
            organizer_id: None,
            plan: Default::default(),
        })
        .collect();
    store::events::create_many(&mut conn, &bulk).expect("bulk");
    assert_eq!(count(&mut conn), 7);
    store::events::delete(&mut conn, first.id).expect("delete");
    assert_eq!(count(&mut conn), 6);
    // A rolled-back insert leaves the total as it was.
    let rolled_back: Result<(), store::StoreError> = write_transaction(&mut conn, |conn| {
        event(conn, "Ghost", "2030-03-01", None);
        Err(store::StoreError::Conflict("abort".to_owned()))
    });
    assert!(rolled_back.is_err());
    assert_eq!(count(&mut conn), 6);
    let filtered = EventFilter {
        date: Some(day("2030-02-01")),
        ..EventFilter::default()
    };
    assert_eq!(
        store::events::count(&mut conn, &filtered).expect("count"),
        5
    );
}

store::backend_tests!(
    default_order_is_by_date_with_organizers,
    ordering_by_several_keys_with_id_tie_break,
    search_is_case_insensitive_and_literal,
    search_follows_renames_deletes_and_odd_terms,
    search_pages_agree_whichever_plan_finds_them,
    filters_on_1000_events_with_pages_and_counts,
    the_total_of_all_events_follows_every_write,
);

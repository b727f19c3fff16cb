//! The one Diesel schema both backends share.

diesel::table! {
    use diesel::sql_types::*;

    users (id) {
        id -> BigInt,
        username -> Text,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        password_hash -> Text,
        is_staff -> Bool,
        is_superuser -> Bool,
        is_active -> Bool,
        date_joined -> Timestamp,
        last_login -> Nullable<Timestamp>,
        email_notifications -> Bool,
        calendar_generation -> BigInt,
        unsubscribe_token_hash -> Nullable<Text>,
        calendar_token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql::types::Uuid;

    events (id) {
        id -> Uuid,
        organizer_id -> Nullable<BigInt>,
        name -> Text,
        date -> Date,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        description -> Text,
        location -> Text,
        timezone -> Text,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        capacity -> Nullable<Integer>,
        max_guests -> Integer,
        rsvp_opens_at -> Nullable<Timestamp>,
        rsvp_closes_at -> Nullable<Timestamp>,
        cancelled -> Bool,
        sequence -> Integer,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql::types::Uuid;

    attendances (id) {
        id -> BigInt,
        user_id -> BigInt,
        event_id -> Uuid,
        status -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        guests -> Integer,
        waitlist_seq -> Nullable<BigInt>,
    }
}

diesel::joinable!(events -> users (organizer_id));
diesel::joinable!(attendances -> users (user_id));
diesel::joinable!(attendances -> events (event_id));

diesel::table! {
    use diesel::sql_types::*;

    token_blacklist (jti) {
        jti -> Text,
        user_id -> BigInt,
        expires_at -> Timestamp,
        blacklisted_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    outbox (id) {
        id -> BigInt,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        state -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        unsubscribe_user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    admin_actions (id) {
        id -> BigInt,
        user_id -> Nullable<BigInt>,
        action_time -> Timestamp,
        action -> Text,
        object_type -> Text,
        object_id -> Text,
        object_repr -> Text,
        message -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    sessions (key_hash) {
        key_hash -> Text,
        data -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    /// A view: the number of events, summed over the shards of `row_counts`.
    event_total (row_count) {
        row_count -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    /// SQLite only: the FTS5 trigram index of event names (by `events` rowid).
    events_name_search (rowid) {
        rowid -> BigInt,
        name -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    /// A view: the listings' version, the sum of `data_versions`, which
    /// grows with every committed change to events and to the usernames
    /// and addresses of users.
    data_version (version) {
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql::types::Uuid;

    /// Each event's version, which grows with every committed change to
    /// the event, its answers, and the usernames and addresses of the
    /// users it shows; an event without a row is at version 0. PostgreSQL
    /// spreads it over shards (read it through `event_version`); SQLite
    /// keeps one row, shard 0.
    event_versions (event_id, shard) {
        event_id -> Uuid,
        shard -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql::types::Uuid;

    /// PostgreSQL only: a view summing each event's `event_versions` shards.
    event_version (event_id) {
        event_id -> Uuid,
        version -> BigInt,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use crate::sql::types::Uuid;

    reminders (event_id, user_id, starts_at) {
        event_id -> Uuid,
        user_id -> BigInt,
        starts_at -> Timestamp,
        sent_at -> Timestamp,
    }
}

diesel::table! {
    use diesel::sql_types::*;

    login_attempts (id) {
        id -> BigInt,
        client -> Text,
        started_at -> Timestamp,
        failed -> Bool,
    }
}

diesel::joinable!(admin_actions -> users (user_id));
diesel::table! {
    registrations_by_client (id) {
        id -> BigInt,
        client -> Text,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    users,
    events,
    attendances,
    token_blacklist,
    outbox,
    admin_actions,
    sessions,
    event_total,
    data_version,
    event_version,
    event_versions,
    reminders,
    login_attempts,
    registrations_by_client
);

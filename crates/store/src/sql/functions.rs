//! SQL functions both backends share.

diesel::define_sql_function! {
    /// SQL `lower()`.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

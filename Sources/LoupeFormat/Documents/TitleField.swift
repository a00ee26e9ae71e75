/// The title as a field of its own, for ranking (BM25F with one `b` for both fields): after a
/// document's text, its title's words are indexed once more, `gap` positions past the text's
/// last word, and count in the document's length. Every extractor keeps the title in the text
/// too, so a title word weighs twice what a word of the text does (field weights: text 1,
/// title 1 on top); a word or phrase in the title lifts a document without a ranking path of
/// its own. Snippets and stored text are unaffected (the copy exists only in the postings).
public enum TitleField {
    /// Positions between the text's last word and the title's first: wider than any phrase or
    /// proximity window (`"…"~N` allows N ≤ 1000), so that none spans the two fields.
    public static let gap: UInt32 = 1 << 16
}

//! The places of the children (photos) one replay adds to each row (gallery).

/// The place chosen last for each row (a gallery) in one replay, so that the places of one
/// replay only grow in the order the children were added: the stored row may have been read
/// again from the server before the children on their way landed, so its highest place (and
/// so `place_at_end`) can drop between two children (two photos once took place 19).
#[derive(Debug, Default)]
pub(super) struct PlacesChosen(std::collections::HashMap<i64, i64>);

impl PlacesChosen {
    /// The place for the next child of row `target`: `at_end` (`place_at_end` now), or one
    /// above the place chosen before it for the same row, whichever is higher.
    pub(super) fn next(&mut self, target: i64, at_end: i64) -> i64 {
        let place = self
            .0
            .get(&target)
            .map_or(at_end, |last| at_end.max(last.saturating_add(1)));
        self.0.insert(target, place);
        place
    }
}

#[cfg(test)]
mod tests {
    use super::PlacesChosen;

    #[test]
    fn places_of_one_replay_only_grow_for_each_gallery_when_a_read_lowers_the_stored_row() {
        let mut chosen = PlacesChosen::default();
        // Gallery 7 holds places up to 10; photos 8 and 9 of the queue start.
        assert_eq!(chosen.next(7, 18), 18);
        assert_eq!(chosen.next(7, 19), 19);
        // A read of the gallery made before both landed is stored: its highest place is 10
        // again, and the queue's 10th photo would take 10 + 10 = 20… or, after a reorder read
        // gave back 0, 1, 2…, less than the places on their way.
        assert_eq!(chosen.next(7, 12), 20, "above the place chosen before it");
        assert_eq!(chosen.next(7, 25), 25, "a higher place at the end stays");
        // Another gallery has its own places.
        assert_eq!(chosen.next(8, 3), 3);
    }
}

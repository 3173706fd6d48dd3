//! Changes to a dataset as values, so that each can be undone and redone: adding, removing and
//! replacing an incident, and the history of changes with the point at which the file was
//! last saved. Pure data, like the rest of the model.

use super::{Dataset, Incident};

/// One change to a dataset's incidents. Each carries what it needs to be reversed.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Puts `incident` at position `at` (the end when `at` is the length).
    Insert { at: usize, incident: Box<Incident> },
    /// Takes out the incident at `at`, which is `incident`.
    Remove { at: usize, incident: Box<Incident> },
    /// Changes the incident at `at` from `before` to `after`.
    Replace {
        at: usize,
        before: Box<Incident>,
        after: Box<Incident>,
    },
}

/// Why an edit could not be applied: the dataset is not in the state the edit was made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EditError(pub String);

impl std::fmt::Display for EditError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EditError {}

impl Edit {
    /// The edit that undoes this one.
    pub fn inverse(&self) -> Edit {
        match self {
            Edit::Insert { at, incident } => Edit::Remove {
                at: *at,
                incident: incident.clone(),
            },
            Edit::Remove { at, incident } => Edit::Insert {
                at: *at,
                incident: incident.clone(),
            },
            Edit::Replace { at, before, after } => Edit::Replace {
                at: *at,
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    /// Applies the edit, after checking that the dataset is in the state it expects (so that a
    /// stale edit fails instead of changing the wrong incident).
    pub fn apply(&self, ds: &mut Dataset) -> Result<(), EditError> {
        let n = ds.incidents.len();
        match self {
            Edit::Insert { at, incident } => {
                if *at > n {
                    return Err(EditError(format!(
                        "cannot add at position {at}: there are {n} incidents"
                    )));
                }
                if ds.incidents.iter().any(|i| i.id == incident.id) {
                    return Err(EditError(format!(
                        "an incident with id {:?} is already there",
                        incident.id
                    )));
                }
                ds.incidents.insert(*at, (**incident).clone());
            }
            Edit::Remove { at, incident } => {
                if ds.incidents.get(*at) != Some(incident) {
                    return Err(EditError(format!(
                        "incident {:?} is no longer at position {at}",
                        incident.id
                    )));
                }
                ds.incidents.remove(*at);
            }
            Edit::Replace { at, before, after } => match ds.incidents.get_mut(*at) {
                Some(current) if current == &**before => *current = (**after).clone(),
                _ => {
                    return Err(EditError(format!(
                        "incident {:?} changed since this edit was made",
                        before.id
                    )));
                }
            },
        }
        Ok(())
    }

    /// Position of the incident this edit leaves in the dataset (`None` after a removal).
    pub fn touched(&self) -> Option<usize> {
        match self {
            Edit::Insert { at, .. } | Edit::Replace { at, .. } => Some(*at),
            Edit::Remove { .. } => None,
        }
    }

    /// "add “Air strike on Idlib”", for the Edit menu's Undo and Redo entries.
    pub fn describe(&self) -> String {
        let name = |i: &Incident| {
            let t: &str = if i.title.trim().is_empty() {
                &i.id
            } else {
                &i.title
            };
            let short: String = t.chars().take(40).collect();
            if short.len() < t.len() {
                format!("“{short}…”")
            } else {
                format!("“{short}”")
            }
        };
        match self {
            Edit::Insert { incident, .. } => format!("add {}", name(incident)),
            Edit::Remove { incident, .. } => format!("delete {}", name(incident)),
            Edit::Replace { before, after, .. } => {
                if before.location != after.location && {
                    let mut moved = (**after).clone();
                    moved.location = before.location;
                    moved == **before
                } {
                    format!("move {}", name(after))
                } else {
                    format!("edit {}", name(after))
                }
            }
        }
    }
}

/// The changes made since a file was opened: what Undo and Redo step through, and whether the
/// dataset differs from what was last saved.
#[derive(Clone, Debug, Default)]
pub struct History {
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    /// Depth of the undo stack when the file was last saved or opened; `None` when that state
    /// can no longer be reached (undone past it and then changed).
    saved_at: Option<usize>,
    /// Changes made outside the history (e.g. an overlay layer added) since the last save.
    untracked: bool,
}

impl History {
    /// An empty history for a file that was just opened or saved.
    pub fn new() -> History {
        History {
            saved_at: Some(0),
            ..Default::default()
        }
    }

    /// Applies `edit` and records it; Redo is no longer possible.
    pub fn apply(&mut self, ds: &mut Dataset, edit: Edit) -> Result<(), EditError> {
        edit.apply(ds)?;
        if self.saved_at.is_some_and(|d| d > self.undo.len()) {
            // The saved state was among the redoable ones: gone now.
            self.saved_at = None;
        }
        self.undo.push(edit);
        self.redo.clear();
        Ok(())
    }

    /// Undoes the last edit; returns it (as it was made), or `None` when there is none.
    pub fn undo(&mut self, ds: &mut Dataset) -> Result<Option<&Edit>, EditError> {
        let Some(edit) = self.undo.pop() else {
            return Ok(None);
        };
        if let Err(e) = edit.inverse().apply(ds) {
            self.undo.push(edit);
            return Err(e);
        }
        self.redo.push(edit);
        Ok(self.redo.last())
    }

    /// Redoes the last undone edit; returns it, or `None` when there is none.
    pub fn redo(&mut self, ds: &mut Dataset) -> Result<Option<&Edit>, EditError> {
        let Some(edit) = self.redo.pop() else {
            return Ok(None);
        };
        if let Err(e) = edit.apply(ds) {
            self.redo.push(edit);
            return Err(e);
        }
        self.undo.push(edit);
        Ok(self.undo.last())
    }

    pub fn next_undo(&self) -> Option<&Edit> {
        self.undo.last()
    }

    pub fn next_redo(&self) -> Option<&Edit> {
        self.redo.last()
    }

    /// The dataset was written to its file: this state is the clean one.
    pub fn mark_saved(&mut self) {
        self.saved_at = Some(self.undo.len());
        self.untracked = false;
    }

    /// Something changed that Undo cannot take back (it stays changed until saved).
    pub fn mark_untracked(&mut self) {
        self.untracked = true;
    }

    /// Whether the dataset differs from the file it was read from or last saved to.
    pub fn is_dirty(&self) -> bool {
        self.untracked || self.saved_at != Some(self.undo.len())
    }
}

/// An id for a new incident that no incident of `ds` has: `new-1`, `new-2` …
pub fn fresh_id(ds: &Dataset) -> String {
    let taken: std::collections::HashSet<&str> =
        ds.incidents.iter().map(|i| i.id.as_str()).collect();
    (1..)
        .map(|n| format!("new-{n}"))
        .find(|id| !taken.contains(id.as_str()))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LonLat;

    fn incident(id: &str, title: &str) -> Incident {
        Incident {
            id: id.into(),
            title: title.into(),
            location: LonLat::new(37.1, 36.2),
            ..Default::default()
        }
    }

    fn dataset() -> Dataset {
        Dataset {
            incidents: vec![incident("a", "First"), incident("b", "Second")],
            ..Default::default()
        }
    }

    #[test]
    fn undo_and_redo_walk_back_and_forth_exactly() {
        let original = dataset();
        let mut ds = original.clone();
        let mut h = History::new();
        assert!(!h.is_dirty());
        h.apply(
            &mut ds,
            Edit::Insert {
                at: 2,
                incident: Box::new(incident("c", "Third")),
            },
        )
        .unwrap();
        let mut moved = ds.incidents[0].clone();
        moved.location = LonLat::new(36.6, 35.4);
        let replace = Edit::Replace {
            at: 0,
            before: Box::new(ds.incidents[0].clone()),
            after: Box::new(moved.clone()),
        };
        assert_eq!(replace.describe(), "move “First”");
        h.apply(&mut ds, replace).unwrap();
        let remove = Edit::Remove {
            at: 1,
            incident: Box::new(ds.incidents[1].clone()),
        };
        h.apply(&mut ds, remove).unwrap();
        let edited = ds.clone();
        assert_eq!(
            ds.incidents
                .iter()
                .map(|i| i.id.as_str())
                .collect::<Vec<_>>(),
            ["a", "c"]
        );
        assert!(h.is_dirty());
        for _ in 0..3 {
            assert!(h.undo(&mut ds).unwrap().is_some());
        }
        assert_eq!(h.undo(&mut ds).unwrap(), None);
        assert_eq!(ds, original);
        assert!(!h.is_dirty(), "back at the saved state");
        for _ in 0..3 {
            assert!(h.redo(&mut ds).unwrap().is_some());
        }
        assert_eq!(h.redo(&mut ds).unwrap(), None);
        assert_eq!(ds, edited);
    }

    #[test]
    fn the_saved_state_is_tracked_through_undo() {
        let mut ds = dataset();
        let mut h = History::new();
        let edit = |ds: &Dataset, title: &str| {
            let mut after = ds.incidents[0].clone();
            after.title = title.into();
            Edit::Replace {
                at: 0,
                before: Box::new(ds.incidents[0].clone()),
                after: Box::new(after),
            }
        };
        let x = edit(&ds, "x");
        h.apply(&mut ds, x).unwrap();
        h.mark_saved();
        assert!(!h.is_dirty());
        h.undo(&mut ds).unwrap();
        assert!(h.is_dirty(), "undone past the save");
        h.redo(&mut ds).unwrap();
        assert!(!h.is_dirty());
        h.undo(&mut ds).unwrap();
        let y = edit(&ds, "y");
        h.apply(&mut ds, y).unwrap();
        assert!(h.is_dirty());
        h.undo(&mut ds).unwrap();
        assert!(h.is_dirty(), "the saved state is out of reach now");
        h.mark_untracked();
        h.mark_saved();
        assert!(!h.is_dirty());
    }

    #[test]
    fn stale_edits_fail_and_change_nothing() {
        let mut ds = dataset();
        let before = ds.clone();
        let wrong = Edit::Remove {
            at: 0,
            incident: Box::new(incident("b", "Second")),
        };
        assert!(wrong.apply(&mut ds).is_err());
        let duplicate = Edit::Insert {
            at: 0,
            incident: Box::new(incident("a", "again")),
        };
        assert!(duplicate.apply(&mut ds).is_err());
        let out_of_range = Edit::Insert {
            at: 9,
            incident: Box::new(incident("z", "z")),
        };
        assert!(out_of_range.apply(&mut ds).is_err());
        assert_eq!(ds, before);
        let mut h = History::new();
        assert!(h.undo(&mut ds).unwrap().is_none());
    }

    #[test]
    fn fresh_ids_are_unused() {
        let mut ds = dataset();
        assert_eq!(fresh_id(&ds), "new-1");
        ds.incidents.push(incident("new-1", ""));
        assert_eq!(fresh_id(&ds), "new-2");
    }
}

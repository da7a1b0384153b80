//! A thread-safe memo table: results computed once per key and shared, for lookups that
//! many location specs repeat (the files a spec matches, a file's bindable lines...).

use std::borrow::Borrow;
use std::hash::Hash;
use std::sync::{Mutex, PoisonError};

use rustc_hash::FxHashMap;

pub struct Memo<K, V>(Mutex<FxHashMap<K, V>>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Mutex::default())
    }
}

impl<K: Eq + Hash, V: Clone> Memo<K, V> {
    /// The value for `key`, computing it with `make` the first time. The lock is not held
    /// while computing: two threads may both compute a value, and the first one stored wins.
    pub fn get_or<Q>(&self, key: &Q, make: impl FnOnce() -> V) -> V
    where
        K: Borrow<Q>,
        Q: Eq + Hash + ToOwned<Owned = K> + ?Sized,
    {
        let map = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(v) = map().get(key) {
            return v.clone();
        }
        let v = make();
        map().entry(key.to_owned()).or_insert(v).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn computes_once_per_key() {
        let m: Memo<String, usize> = Memo::default();
        let mut calls = 0;
        assert_eq!(
            m.get_or("a", || {
                calls += 1;
                1
            }),
            1
        );
        assert_eq!(
            m.get_or("a", || {
                calls += 1;
                2
            }),
            1
        );
        assert_eq!(
            m.get_or("b", || {
                calls += 1;
                3
            }),
            3
        );
        assert_eq!(calls, 2);
    }
}

// An item: attribute name -> value, ordered by name (byte order, as std::map<std::string>
// orders), kept in one sorted vector.
//
// Why not std::map: items are copied on every UpdateItem (stored items are immutable and
// shared), and a std::map copy costs one allocation per attribute plus a pointer chase per
// lookup; here a copy is one allocation (plus the strings too long for the small-string
// buffer) and a lookup is a binary search in one array. Items are small (tens of attributes),
// and the paths that build large ones (the wire parser, the storage decoder) insert in key
// order, which appends.
//
// The interface is the subset of std::map the model uses. Unlike std::map, inserting or
// erasing invalidates iterators and references into the item.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emu::dynamodb {

class AttributeValue;

// a < b in byte order (std::string's order). Attribute names mostly differ in their first byte,
// which is compared inline before paying for a memcmp call.
inline bool name_less(std::string_view a, std::string_view b) {
  if (!a.empty() && !b.empty() && a[0] != b[0]) {
    return static_cast<unsigned char>(a[0]) < static_cast<unsigned char>(b[0]);
  }
  return a < b;
}

template <class V>
class SortedAttributes {
 public:
  using key_type = std::string;
  using mapped_type = V;
  using value_type = std::pair<std::string, V>;
  using Storage = std::vector<value_type>;
  using iterator = typename Storage::iterator;
  using const_iterator = typename Storage::const_iterator;
  using size_type = std::size_t;

  SortedAttributes() = default;
  // As std::map: of duplicate keys the first wins.
  SortedAttributes(std::initializer_list<value_type> init) {
    for (const auto& e : init) emplace(e.first, e.second);
  }
  SortedAttributes(const SortedAttributes&) = default;
  SortedAttributes& operator=(const SortedAttributes&) = default;
  // A moved-from item is empty, and its names with it.
  SortedAttributes(SortedAttributes&& other) noexcept
      : entries_(std::move(other.entries_)), names_id_(other.names_id_) {
    other.entries_.clear();
    other.names_id_ = 0;
  }
  SortedAttributes& operator=(SortedAttributes&& other) noexcept {
    entries_ = std::move(other.entries_);
    names_id_ = other.names_id_;
    other.entries_.clear();
    other.names_id_ = 0;
    return *this;
  }

  // An id of this item's sequence of names: two items with the same id have the same names in
  // the same order (a copy shares its original's id; a change of names gives a new one). A
  // caller that remembers an item's names (Ops::prepare's memo of a request's placeholders)
  // knows them unchanged without comparing them. Names must not be changed through iterators.
  // Not for items shared between threads (the id is assigned on first use).
  std::uint64_t names_id() const {
    if (names_id_ == 0) {
      static std::atomic<std::uint64_t> last{0};
      names_id_ = ++last;
    }
    return names_id_;
  }

  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  bool empty() const { return entries_.empty(); }
  size_type size() const { return entries_.size(); }
  void clear() {
    entries_.clear();
    names_id_ = 0;
  }
  void reserve(size_type n) { entries_.reserve(n); }
  size_type capacity() const { return entries_.capacity(); }

  iterator find(std::string_view key) {
    const auto it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  const_iterator find(std::string_view key) const {
    const auto it = lower_bound(key);
    return it != end() && it->first == key ? it : end();
  }
  size_type count(std::string_view key) const { return find(key) != end() ? 1 : 0; }
  bool contains(std::string_view key) const { return find(key) != end(); }

  V& at(std::string_view key) {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("item has no attribute " + std::string(key));
    return it->second;
  }
  const V& at(std::string_view key) const {
    const auto it = find(key);
    if (it == end()) throw std::out_of_range("item has no attribute " + std::string(key));
    return it->second;
  }
  V& operator[](std::string_view key) { return emplace(key).first->second; }

  // Inserts (key, V(args...)) unless the key is there; as std::map::emplace.
  template <class K, class... Args>
  std::pair<iterator, bool> emplace(K&& key, Args&&... args) {
    const std::string_view k(key);
    if (entries_.empty() || name_less(entries_.back().first, k)) {  // in-order construction appends
      entries_.emplace_back(std::string(std::forward<K>(key)), V(std::forward<Args>(args)...));
      names_id_ = 0;
      return {entries_.end() - 1, true};
    }
    const auto it = lower_bound(k);
    if (it != end() && it->first == k) return {it, false};
    names_id_ = 0;
    return {entries_.emplace(it, std::string(std::forward<K>(key)),
                             V(std::forward<Args>(args)...)),
            true};
  }
  // Appends an attribute whose name sorts after every name present (builders that walk
  // attributes in order: merges, decoders). Cheaper than emplace; the order is still checked.
  template <class K, class... Args>
  void append_in_order(K&& key, Args&&... args) {
    if (!entries_.empty() && !name_less(entries_.back().first, std::string_view(key))) {
      throw std::logic_error("append_in_order: attribute out of order");
    }
    entries_.emplace_back(std::string(std::forward<K>(key)), V(std::forward<Args>(args)...));
    names_id_ = 0;
  }

  template <class K, class M>
  std::pair<iterator, bool> insert_or_assign(K&& key, M&& value) {
    const auto found = find(std::string_view(key));
    if (found != end()) {
      found->second = std::forward<M>(value);
      return {found, false};
    }
    // `value` may live in this item: take it before inserting moves the entries.
    V taken(std::forward<M>(value));
    return emplace(std::forward<K>(key), std::move(taken));
  }

  size_type erase(std::string_view key) {
    const auto it = find(key);
    if (it == end()) return 0;
    entries_.erase(it);
    names_id_ = 0;
    return 1;
  }
  iterator erase(const_iterator pos) {
    names_id_ = 0;
    return entries_.erase(pos);
  }

  bool operator==(const SortedAttributes& other) const { return entries_ == other.entries_; }

 private:
  iterator lower_bound(std::string_view key) {
    return std::lower_bound(entries_.begin(), entries_.end(), key,
                            [](const value_type& e, std::string_view k) { return name_less(e.first, k); });
  }
  const_iterator lower_bound(std::string_view key) const {
    return std::lower_bound(entries_.begin(), entries_.end(), key,
                            [](const value_type& e, std::string_view k) { return name_less(e.first, k); });
  }

  Storage entries_;
  mutable std::uint64_t names_id_ = 0;  // 0: none assigned since the names last changed
};

}  // namespace emu::dynamodb

//
// dynasio: DynamoDB for Boost.Asio coroutines.
//

#ifndef DYNASIO_DETAIL_VALUE_BOX_HPP
#define DYNASIO_DETAIL_VALUE_BOX_HPP

#include <utility>

namespace dynasio::detail {

// A heap-held T with value semantics. It lets attribute_value hold its own map type while
// still incomplete (std::map, unlike std::vector, is not required to allow that). A moved-from
// box is empty and reads as a default T, so moves stay noexcept and allocation-free.
template <class T>
class value_box {
 public:
  explicit value_box(T v) : p_(new T(std::move(v))) {}
  value_box(const value_box& o) : p_(new T(o.get())) {}
  value_box(value_box&& o) noexcept : p_(std::exchange(o.p_, nullptr)) {}
  value_box& operator=(const value_box& o) {
    if (this != &o) {
      T* copy = new T(o.get());
      delete p_;
      p_ = copy;
    }
    return *this;
  }
  value_box& operator=(value_box&& o) noexcept {
    std::swap(p_, o.p_);
    return *this;
  }
  ~value_box() { delete p_; }

  const T& get() const noexcept { return p_ ? *p_ : empty(); }
  T& get() {
    if (!p_) p_ = new T();
    return *p_;
  }

  friend bool operator==(const value_box& a, const value_box& b) { return a.get() == b.get(); }

 private:
  static const T& empty() noexcept {
    static const T e;
    return e;
  }

  T* p_;
};

}  // namespace dynasio::detail

#endif

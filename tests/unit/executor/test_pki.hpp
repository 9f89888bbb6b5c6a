#pragma once
// A throwaway PKI made at test time with the OpenSSL C API: a CA and leaf certificates
// (EC P-256) for the local HTTPS servers. Nothing touches the system trust store.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace payd::test {

struct Pem {
  std::string cert;
  std::string key;
};

class TestCa {
 public:
  explicit TestCa(const std::string& common_name);
  ~TestCa();
  TestCa(const TestCa&) = delete;
  TestCa& operator=(const TestCa&) = delete;

  // A server certificate for these DNS names and IP addresses, signed by this CA.
  [[nodiscard]] Pem issue(const std::vector<std::string>& dns_names,
                          const std::vector<std::string>& ip_addresses) const;
  [[nodiscard]] const std::string& cert_pem() const noexcept { return cert_pem_; }
  // The CA certificate written to a file (for ClientOptions::ca_file).
  [[nodiscard]] const std::string& cert_file() const noexcept { return cert_file_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string cert_pem_;
  std::string cert_file_;
};

// Writes `contents` to a file in this process's temporary directory; returns its path.
std::string write_temp_file(std::string_view name, std::string_view contents);

}  // namespace payd::test

#pragma once
// What refresh observed on the appliances: per node, per store, the files and the certificates in them.
// A plan records a digest of each node's state so a saved plan can be refused when the node has changed since.

#include "engine/model/certificate.hpp"

#include <map>
#include <string>
#include <vector>

namespace trustctl {

struct StoreEntry {
  std::string file;  // the file name within the store, as the appliance lists it: "uccx1.lab.example_1a2b.pem"
  Certificate certificate;
};

struct NodeState {
  std::string node;
  std::map<std::string, std::vector<StoreEntry>> stores;  // "tomcat-trust" -> entries
  // Identity units as stored ("tomcat" -> leaf first, then whatever chain the appliance shows). For an external
  // host: the chain it presented over TLS, under "presented".
  std::map<std::string, std::vector<Certificate>> identities;

  bool holds(const std::string& store, const std::string& fingerprint) const;
  const StoreEntry* find(const std::string& store, const std::string& fingerprint) const;
  // SHA-256 over the sorted (store, fingerprint) pairs: equal digests mean equal observed content.
  std::string digest() const;
};

struct LiveState {
  std::map<std::string, NodeState> nodes;  // by node name
};

}  // namespace trustctl

#include "tests/vossim/lab.hpp"
#include "tests/vossim/replicator.hpp"

#include "tests/vossim/test/test_support.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace vossim {
namespace {

using namespace std::chrono_literals;

class ReplicationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    m_publisher = std::make_unique<SimNode>(
        NodeSpec{"uccx1", "uccx1.lab.example", "uccx", trustctl::Product::uccx, trustctl::Role::publisher},
        m_dir.path() / "uccx1");
    m_subscriber = std::make_unique<SimNode>(
        NodeSpec{"uccx2", "uccx2.lab.example", "uccx", trustctl::Product::uccx, trustctl::Role::subscriber},
        m_dir.path() / "uccx2");
    ASSERT_TRUE(m_publisher->load_or_initialize().has_value());
    ASSERT_TRUE(m_subscriber->load_or_initialize().has_value());
    std::vector<SimNode*> cluster = {m_publisher.get(), m_subscriber.get()};
    Lab::seed_cluster_trust(cluster);
    Lab::connect_cluster(cluster, m_replicator);
    m_replicator.start();
  }
  void TearDown() override { m_replicator.stop_and_flush(); }

  static bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(10ms);
    }
    return condition();
  }

  test::TempDir m_dir;
  Replicator m_replicator{150ms};
  std::unique_ptr<SimNode> m_publisher;
  std::unique_ptr<SimNode> m_subscriber;
};

TEST_F(ReplicationTest, EveryNodeTrustsEveryClusterIdentityAtFirstStart) {
  for (SimNode* node : {m_publisher.get(), m_subscriber.get()}) {
    for (SimNode* peer : {m_publisher.get(), m_subscriber.get()}) {
      EXPECT_TRUE(node->find_trust("tomcat-trust/" + peer->own_tomcat().trust_file_name()).has_value())
          << node->spec().name << " lacks " << peer->spec().name;
    }
  }
}

TEST_F(ReplicationTest, PublisherImportLandsOnSubscriberAfterTheDelay) {
  const auto root = test::make_certificate("Replicated Root", true);
  const std::string file = "tomcat-trust/" + root.certificate.trust_file_name();
  const auto start = std::chrono::steady_clock::now();
  const auto outcomes = m_publisher->import_trust({root.certificate}, Clock::now());
  ASSERT_EQ(outcomes.size(), 1u);
  EXPECT_EQ(outcomes[0].status, ImportStatus::imported);
  EXPECT_FALSE(m_subscriber->find_trust(file).has_value());  // not before the delay

  ASSERT_TRUE(wait_for([&] { return m_subscriber->find_trust(file).has_value(); }, 3s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 150ms);
  EXPECT_TRUE(std::filesystem::exists(m_dir.path() / "uccx2" / file));  // persisted when it landed
}

TEST_F(ReplicationTest, SubscriberImportStaysOnTheSubscriber) {
  const auto root = test::make_certificate("Local Root", true);
  const std::string file = "tomcat-trust/" + root.certificate.trust_file_name();
  m_subscriber->import_trust({root.certificate}, Clock::now());
  EXPECT_EQ(m_replicator.pending(), 0u);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(m_publisher->find_trust(file).has_value());
  EXPECT_TRUE(m_subscriber->find_trust(file).has_value());
}

TEST_F(ReplicationTest, StopFlushesReplicationStillInFlight) {
  Replicator slow(1h);
  slow.start();
  std::vector<SimNode*> cluster = {m_publisher.get(), m_subscriber.get()};
  Lab::connect_cluster(cluster, slow);
  const auto root = test::make_certificate("Flushed Root", true);
  m_publisher->import_trust({root.certificate}, Clock::now());
  EXPECT_EQ(slow.pending(), 1u);
  slow.stop_and_flush();
  EXPECT_TRUE(m_subscriber->find_trust("tomcat-trust/" + root.certificate.trust_file_name()).has_value());
}

TEST_F(ReplicationTest, ConcurrentImportsOnBothNodesDoNotDeadlock) {
  const std::size_t before = m_subscriber->trust_store().size();
  std::vector<test::Issued> roots;
  for (int i = 0; i < 10; ++i) roots.push_back(test::make_certificate("Concurrent Root " + std::to_string(i), true));
  std::thread a([&] {
    for (const auto& r : roots) m_publisher->import_trust({r.certificate}, Clock::now());
  });
  std::thread b([&] {
    for (const auto& r : roots) m_subscriber->import_trust({r.certificate}, Clock::now());
  });
  a.join();
  b.join();
  ASSERT_TRUE(wait_for([&] { return m_replicator.pending() == 0; }, 3s));
  EXPECT_EQ(m_subscriber->trust_store().size(), before + roots.size());
}

}  // namespace
}  // namespace vossim

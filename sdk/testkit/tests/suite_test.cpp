// The whole kit, as a plugin author uses it, over a provider that makes real HTTP exchanges.
#include "fake_providers.hpp"
#include "payd/testkit/conformance.hpp"

PAYD_CONFORMANCE_SUITE(FakeTwoStep, &payd::testkit::fake::make_two_step,
                       PAYD_TESTKIT_FIXTURES "/two_step");

// placeholder replaced by the planner
namespace trustctl::plans {}

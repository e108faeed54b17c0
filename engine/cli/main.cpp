#include <cstdio>
int main() { std::puts("trustctl " TRUSTCTL_VERSION); return 0; }

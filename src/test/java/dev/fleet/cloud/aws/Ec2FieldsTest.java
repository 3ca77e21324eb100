package dev.fleet.cloud.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class Ec2FieldsTest {
    @Test
    void instanceTypesOfEveryFamilyAreTakenAndAnythingElseIsAbsent() {
        for (String type : new String[] {"t3.micro", "p4d.24xlarge", "u-6tb1.metal", "g5.xlarge", "m7i-flex.large",
                "r8g.metal-24xl", "mac2-m2pro.metal", "u7i-12tb.224xlarge"}) {
            assertThat(Ec2Fields.instanceType(type)).isEqualTo(type);
        }
        for (String said : new String[] {null, "", "t3", "T3.MICRO", "t3.micro\nAuthorization: AWS4-HMAC-SHA256 Credential=AKID",
                "t3.micro ", "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/ec2/aws4_request", "a." + "b".repeat(60)}) {
            assertThat(Ec2Fields.instanceType(said)).as(String.valueOf(said)).isNull();
        }
    }

    @Test
    void aPublicAddressIsAnIpv4AddressOrAbsent() {
        assertThat(Ec2Fields.publicIp("203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(Ec2Fields.publicIp("127.0.0.11")).isEqualTo("127.0.0.11");
        for (String said : new String[] {null, "", "256.0.0.1", "1.2.3", "203.0.113.9\nX-Amz-Security-Token: IQoJ", "example.com",
                " 203.0.113.9"}) {
            assertThat(Ec2Fields.publicIp(said)).as(String.valueOf(said)).isNull();
        }
    }
}
